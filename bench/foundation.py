"""Foundation figures: referential load time, and seed_demo holders per second next to
a bare bulk load of the same resulting rows (executemany in one transaction on SQLite,
COPY on PostgreSQL)."""

import os
import time

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
    rows, bare = bare_reload(url)
    ratio = seconds / bare if bare else float("nan")
    print(
        f"chargement brut des mêmes {rows:,} lignes : {bare:.1f} s "
        f"— seed_demo = {ratio:.1f} × le chargement brut"
    )
    return {
        "load_referentials_s": round(referentials, 2),
        "seed_demo_holders": options.holders,
        "seed_demo_s": round(seconds, 2),
        "seed_demo_holders_per_s": round(rate),
        "bare_rows": rows,
        "bare_load_s": round(bare, 2),
        "ratio_to_bare": round(ratio, 2),
    }


def bare_reload(url):
    """Reads back every row seed_demo wrote and times re-inserting them, untransformed,
    into empty copies of the tables: the floor any generator could reach."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.db import connection, transaction

    total, elapsed = 0, 0.0
    with connection.cursor() as cursor:
        for table in TABLES:
            copy = f"bench_{table}"
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {table} WHERE 1 = 0")
            cursor.execute(f"SELECT * FROM {table}")
            rows = cursor.fetchall()
            total += len(rows)
            if not rows:
                continue
            started = time.perf_counter()
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {copy} FROM STDIN") as pg_copy:
                        for row in rows:
                            pg_copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(rows[0]))
                    cursor.executemany(f"INSERT INTO {copy} VALUES ({marks})", rows)
            elapsed += time.perf_counter() - started
            cursor.execute(f"DROP TABLE {copy}")
    connection.close()
    return total, elapsed
