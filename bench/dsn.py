"""DSN ingest figures: individuals per second end to end (read, check, match, upsert) for a
synthetic monthly file, next to a bare bulk load of the rows that ingest wrote (COPY on
PostgreSQL, executemany in one transaction on SQLite), measured in the same run; peak RSS
of the ingest process for two file sizes (flat if streaming holds); the same file again
(idempotence: nothing written).

    BENCH_DSN_INDIVIDUALS=100000 python -m bench --only dsn --databases sqlite,postgresql

The persons are inserted in bulk first (valid NIRs, employers); the files are written by
`generate_dsn --from-database`, so every individual matches a person. Each step runs in
its own process (`python -m bench.dsn <step>`), so that memory figures are the ingest's.
Establishments have realistic sizes (BENCH_DSN_PER_ESTABLISHMENT=0, the default; 50 gives
many small declarations). The benchmark uses databases of its own (var/bench-dsn.sqlite3,
or `<name>-dsn.sqlite3` next to BENCH_SQLITE_PATH; passeport_bench_dsn or BENCH_DSN_DATABASE),
so that it never collides with another run.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import _bare
from bench._env import django_env

ROOT = Path(__file__).resolve().parent.parent
TABLES = {
    "records_employmentperiod": "source_reference LIKE %s",
    "ingest_dsnhoursworked": "deposit_id = %s",
    "journal_journalentry": "seq > %s",
}


def own_database(url: str) -> str:
    """A database of this benchmark's own (other benchmarks share var/bench.sqlite3 and
    passeport_bench): var/bench-dsn.sqlite3, or passeport_bench_dsn next to `url`."""
    if url.startswith("sqlite"):
        path = ROOT / "var" / "bench-dsn.sqlite3"
        if os.environ.get("BENCH_SQLITE_PATH"):  # a run of one's own: next to its file
            shared = Path(os.environ["BENCH_SQLITE_PATH"])
            path = shared.with_name(f"{shared.stem}-dsn{shared.suffix}")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    base, _name = url.rsplit("/", 1)
    name = os.environ.get("BENCH_DSN_DATABASE", "passeport_bench_dsn")
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def run(url, manage, options):
    individuals = int(os.environ.get("BENCH_DSN_INDIVIDUALS", 100_000))
    url = own_database(url)
    small = max(1, individuals // 4)
    # 0: realistic establishment sizes (1 to 2,000 employees); 50: many small declarations.
    per_establishment = os.environ.get("BENCH_DSN_PER_ESTABLISHMENT", "0")
    work = ROOT / "var" / f"bench-dsn-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    manage(url, "migrate", "--noinput")
    seeded = _step(url, "seed", str(individuals))
    print(f"titulaires insérés en masse : {individuals:,} en {seeded['seconds']:.1f} s")
    files = {}
    for size, month in ((small, "2025-12"), (individuals, "2026-01")):
        path = work / f"dsn-{size}-{month}.dsn"
        seconds = manage(
            url,
            "generate_dsn",
            "--individuals",
            str(size),
            "--month",
            month,
            "--output",
            str(path),
            "--from-database",
            "--per-establishment",
            per_establishment,
        )
        files[size] = path
        mb = path.stat().st_size / 1e6
        print(f"generate_dsn --from-database {size:,} individus : {seconds:.1f} s, {mb:.0f} Mo")
    first = _step(url, "ingest", str(files[small]))
    big = _step(url, "ingest", str(files[individuals]))
    rate = individuals / big["seconds"]
    print(
        f"ingest_dsn {individuals:,} individus : {big['seconds']:.1f} s, "
        f"{rate:,.0f} individus/s ({big['totals']['periodes_creees']:,} périodes créées)"
    )
    print(
        f"pic mémoire (RSS) : {first['peak_rss_mb']:.0f} Mo pour {small:,} individus, "
        f"{big['peak_rss_mb']:.0f} Mo pour {individuals:,} "
        f"(processus Django seul : {big['baseline_rss_mb']:.0f} Mo)"
    )
    bare = _step(url, "bare", big["deposit"], big["file_name"], str(big["journal_seq_before"]))
    ratio = big["seconds"] / bare["seconds"] if bare["seconds"] else float("nan")
    print(
        f"chargement brut des mêmes {bare['rows']:,} lignes : {bare['seconds']:.1f} s "
        f"— ingest_dsn = {ratio:.1f} × le chargement brut"
    )
    schema = _bare.with_schema(big["seconds"], bare["with_schema"])
    again = _step(url, "ingest", str(files[individuals]))
    unchanged = again["totals"]["periodes_inchangees"]
    print(
        f"même fichier une seconde fois : {again['seconds']:.1f} s, "
        f"{individuals / again['seconds']:,.0f} individus/s, {unchanged:,} périodes inchangées, "
        f"{again['totals']['periodes_creees']} créées"
    )
    shutil.rmtree(work, ignore_errors=True)
    return {
        "individuals": individuals,
        "per_establishment": per_establishment,
        "ingest_s": round(big["seconds"], 2),
        "individuals_per_s": round(rate),
        "periods_created": big["totals"]["periodes_creees"],
        "bare_rows": bare["rows"],
        "bare_load_s": round(bare["seconds"], 2),
        "ratio_to_bare": round(ratio, 2),
        **schema,
        "peak_rss_mb_small": round(first["peak_rss_mb"]),
        "peak_rss_mb_large": round(big["peak_rss_mb"]),
        "small_individuals": small,
        "reingest_s": round(again["seconds"], 2),
        "reingest_unchanged": unchanged,
    }


def _step(url, *args) -> dict:
    env = django_env(url)
    done = subprocess.run(
        [sys.executable, "-m", "bench.dsn", *args],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"bench.dsn {args[0]} a échoué :\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- steps, each in its own process --------------------------------------------------------


def _setup():
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def seed(count: str) -> dict:
    """Persons with valid NIRs and employers, inserted in bulk (no journal: bench only)."""
    _setup()
    import random

    from django.db import transaction

    from passeport.core.bulk import bulk_insert
    from passeport.ingest.dsn.generator import COMMUNES
    from passeport.organisations.models import Organisation
    from passeport.organisations.siret import make_siren, make_siret
    from passeport.people.models import Person
    from passeport.people.nir import make_nir
    from passeport.people.services import build_person

    started = time.perf_counter()
    rng = random.Random(1)
    total = int(count)
    with transaction.atomic():
        employers = [
            Organisation(
                siret=make_siret(make_siren(f"{40_000_000 + i:08d}"), f"{i % 9999 + 1:04d}"),
                name=f"Employeur {i}",
                naf_code="62.01Z",
                is_employer=True,
            )
            for i in range(max(1, total // 50))
        ]
        for org in employers:
            org.siren = org.siret[:9]
        Organisation.objects.bulk_create(employers, batch_size=1000)
    used = set()
    batch = []
    for index in range(total):
        sex = "MF"[index % 2]
        year, month = rng.randint(1962, 2006), rng.randint(1, 12)
        commune = rng.choice(COMMUNES)
        while True:
            nir = make_nir(sex, year, month, commune, rng.randint(1, 999))
            if nir[:13] not in used:
                used.add(nir[:13])
                break
        batch.append(
            build_person(
                nir=nir,
                birth_name=f"NOM{index}",
                first_names="Camille",
                sex=sex,
                birth_year=year,
                birth_month=month,
                birth_day=rng.randint(1, 28),
                birth_commune_code=commune,
            )
        )
        if len(batch) == 5000 or index == total - 1:
            with transaction.atomic():
                bulk_insert(Person, batch)
            batch = []
    return {"seconds": time.perf_counter() - started}


def ingest(path: str) -> dict:
    _setup()
    from passeport.ingest.dsn import dictionary
    from passeport.ingest.dsn.deposits import ingest_file
    from passeport.journal.models import JournalHead

    dictionary.load()
    baseline = _rss_mb()
    head = JournalHead.objects.filter(pk=1).first()
    seq_before = head.seq if head else 0
    started = time.perf_counter()
    result = ingest_file(Path(path))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "totals": result.report["totaux"],
        "deposit": str(result.deposit.pk),
        "file_name": result.deposit.file_name,
        "journal_seq_before": seq_before,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _rss_mb(),
    }


def bare(deposit: str, file_name: str, seq_before: str) -> dict:
    """Reads back the rows one ingest wrote and times re-inserting them, untransformed,
    into empty copies of their tables: the floor any loader could reach."""
    _setup()
    params = {
        "records_employmentperiod": f"{file_name}:%",
        "ingest_dsnhoursworked": int(deposit),
        "journal_journalentry": int(seq_before),
    }
    total, elapsed, with_schema = _bare.reload(
        [(table, condition, [params[table]]) for table, condition in TABLES.items()]
    )
    return {"rows": total, "seconds": elapsed, "with_schema": with_schema}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    step = {"seed": seed, "ingest": ingest, "bare": bare}[sys.argv[1]]
    print(json.dumps(step(*sys.argv[2:])))
