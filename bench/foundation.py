"""Foundation figures: referential load time, and seed_demo holders per second next to
a bare bulk load of the same resulting rows (executemany in one transaction on SQLite,
COPY on PostgreSQL)."""

from bench import _bare

TABLES = [
    "people_person",
    "records_employmentperiod",
    "records_certification",
    "records_training",
    "records_preventiontraining",
    "records_engagement",
    "records_declareditem",
    "journal_journalentry",
]


def run(url, manage, options):
    manage(url, "migrate", "--noinput")
    referentials = manage(url, "load_referentials", "--no-progress")
    print(f"load_referentials (ROME + RNCP/RS + COG + NAF complets) : {referentials:.1f} s")
    seconds = manage(url, "seed_demo", "--holders", str(options.holders), "--seed", "1")
    rate = options.holders / seconds
    print(f"seed_demo --holders {options.holders} : {seconds:.1f} s, {rate:,.0f} titulaires/s")
    rows, bare, with_schema = _bare.measure(url, [(table, "1 = 1", []) for table in TABLES])
    ratio = seconds / bare if bare else float("nan")
    print(
        f"chargement brut des mêmes {rows:,} lignes : {bare:.1f} s "
        f"— seed_demo = {ratio:.1f} × le chargement brut"
    )
    schema = _bare.with_schema(seconds, with_schema)
    return {
        "load_referentials_s": round(referentials, 2),
        "seed_demo_holders": options.holders,
        "seed_demo_s": round(seconds, 2),
        "seed_demo_holders_per_s": round(rate),
        "bare_rows": rows,
        "bare_load_s": round(bare, 2),
        "ratio_to_bare": round(ratio, 2),
        **schema,
    }
