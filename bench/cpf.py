"""CPF rights figures (issue #13).

1. `compute_cpf_rights` over N holders (`BENCH_CPF_HOLDERS`, default 1,000,000), each
   with a year of monthly DSN hours (12 pay periods; one in five part-time): holders per
   second of the first run (accounts opened, acquisitions, journal), next to a COPY of the
   same ledger rows (accounts, movements, journal entries) into empty copies of their
   tables and into copies with their indexes and constraints, in the same run; the same
   year again (idempotent: nothing written); peak RSS of the run for N/10 holders
   (another year, same population) and for N (flat if streaming holds).
2. « Mes droits » for a holder with 20 years of movements among the N accounts: server
   time (median, p95 over 50 requests through Django's test client, in-process, as
   bench/holder.py) and SQL queries, next to the bare SQL reading the same rows.

    BENCH_CPF_HOLDERS=1000000 python -m bench --only cpf --databases postgresql

Each step runs in its own process (`python -m bench.cpf <step>`), so that memory figures
are the run's. Bench data (persons, hours) go in by COPY (no journal: bench only), then
`ANALYZE`. The benchmark uses a database of its own (`<name>_cpf` next to the bench
database; `<name>-cpf.sqlite3` next to BENCH_SQLITE_PATH).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import _bare
from bench._env import django_env
from bench.holder import _timed

ROOT = Path(__file__).resolve().parent.parent
YEAR, SMALL_YEAR = 2025, 2024
TABLES = {
    "cpf_cpfaccount": "opened_at >= %s",
    "cpf_movement": "year = %s AND kind = 'acquisition'",
    "journal_journalentry": "seq > %s",
}


def own_database(url: str) -> str:
    if url.startswith("sqlite"):
        shared = Path(os.environ.get("BENCH_SQLITE_PATH", ROOT / "var" / "bench.sqlite3"))
        path = shared.with_name(f"{shared.stem}-cpf{shared.suffix}")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    base, name = url.rsplit("/", 1)
    name = f"{name}_cpf"
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def run(url, manage, options):
    holders = int(os.environ.get("BENCH_CPF_HOLDERS", 1_000_000))
    small = max(1, holders // 10)
    url = own_database(url)
    manage(url, "migrate", "--noinput")
    seeded = _step(url, "seed", str(holders), str(small))
    print(
        f"population : {holders:,} titulaires, {seeded['hours_rows']:,} lignes d'heures DSN "
        f"({seeded['seconds']:.1f} s)"
    )
    first = _step(url, "compute", str(SMALL_YEAR))
    big = _step(url, "compute", str(YEAR))
    rate = big["holders"] / big["seconds"]
    print(
        f"compute_cpf_rights {YEAR} : {big['holders']:,} titulaires en {big['seconds']:.1f} s, "
        f"{rate:,.0f} titulaires/s ({big['movements']:,} mouvements, "
        f"{big['accounts_opened']:,} comptes ouverts)"
    )
    print(
        f"pic mémoire (RSS) : {first['peak_rss_mb']:.0f} Mo pour {first['holders']:,} "
        f"titulaires, {big['peak_rss_mb']:.0f} Mo pour {big['holders']:,} "
        f"(processus Django seul : {big['baseline_rss_mb']:.0f} Mo)"
    )
    bare = _step(url, "bare", big["started_at"], str(YEAR), str(big["journal_seq_before"]))
    ratio = big["seconds"] / bare["seconds"] if bare["seconds"] else float("nan")
    print(
        f"chargement brut (COPY) des mêmes {bare['rows']:,} lignes du grand livre : "
        f"{bare['seconds']:.1f} s — calcul = {ratio:.1f} × ce chargement"
    )
    schema = _bare.with_schema(big["seconds"], bare["with_schema"])
    again = _step(url, "compute", str(YEAR))
    print(
        f"même année une seconde fois : {again['seconds']:.1f} s, "
        f"{again['holders'] / again['seconds']:,.0f} titulaires/s, "
        f"{again['movements']} mouvement(s)"
    )
    page = _step(url, "page")
    print(
        f"« Mes droits » ({page['movements']} mouvements sur 20 ans, parmi "
        f"{page['accounts']:,} comptes) : médiane {page['page']['median_ms']:.1f} ms, p95 "
        f"{page['page']['p95_ms']:.1f} ms, {page['page']['queries']} requêtes SQL ; SQL brut "
        f"des mêmes lignes : médiane {page['bare_sql']['median_ms']:.1f} ms"
    )
    return {
        "holders": holders,
        "compute_s": round(big["seconds"], 2),
        "holders_per_s": round(rate),
        "movements": big["movements"],
        "bare_rows": bare["rows"],
        "bare_load_s": round(bare["seconds"], 2),
        "ratio_to_bare": round(ratio, 2),
        **schema,
        "peak_rss_mb_small": round(first["peak_rss_mb"]),
        "small_holders": first["holders"],
        "peak_rss_mb_large": round(big["peak_rss_mb"]),
        "rerun_s": round(again["seconds"], 2),
        "rerun_movements": again["movements"],
        "rights_page": page,
    }


def _step(url, *args) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.cpf", *args],
        cwd=ROOT,
        env=django_env(url),
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"bench.cpf {args[0]} a échoué :\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- steps, each in its own process --------------------------------------------------------


def _setup():
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _copy(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(rows)
            )


def seed(count: str, small: str) -> dict:
    """Persons, each with 12 monthly pay periods of YEAR (the first `small` also of
    SMALL_YEAR), by COPY."""
    _setup()
    import datetime
    import secrets
    import uuid

    from django.db import connection, transaction
    from django.utils import timezone

    from passeport.ingest.dsn.models import DsnDeposit

    def adapt(value):  # SQLite takes UUIDs as their 32 hex digits, as Django stores them
        return (
            value.hex
            if isinstance(value, uuid.UUID) and connection.vendor != "postgresql"
            else value
        )

    started = time.perf_counter()
    total, small = int(count), int(small)
    deposit = DsnDeposit.objects.create(
        file_name="banc", sha256="0" * 64, size=0, received_at=timezone.now()
    )
    months = {
        year: [
            (
                datetime.date(year, m, 1),
                (datetime.date(year + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1)),
            )
            for m in range(1, 13)
        ]
        for year in (SMALL_YEAR, YEAR)
    }
    person_columns = [
        "public_id", "nir_hash", "nir_encrypted", "is_temporary_number", "birth_name",
        "birth_name_key", "usage_name", "first_names", "sex", "birth_year",
        "birth_country_code", "birth_commune_code", "email", "created_at",
    ]  # fmt: skip
    hour_columns = [
        "lineage", "person_id", "siret", "contract_number", "period_start", "period_end",
        "hours", "deposit_id", "source_reference", "updated_at",
    ]  # fmt: skip
    now = timezone.now()
    rows_written, done, batch = 0, 0, 20_000
    while done < total:
        size = min(batch, total - done)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
                last = cursor.fetchone()[0]
            hashes = [secrets.token_hex(32) for _ in range(size)]
            _copy(
                "people_person",
                person_columns,
                (
                    (
                        uuid.uuid4(),
                        h,
                        "banc",
                        False,
                        "BANC",
                        "banc",
                        "",
                        "Titulaire",
                        "F",
                        1980,
                        "99100",
                        "75107",
                        "",
                        now,
                    )
                    for h in hashes
                ),
            )
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM people_person WHERE id > %s ORDER BY id", [last])
                ids = [row[0] for row in cursor.fetchall()]
            rows = []
            for index, pk in enumerate(ids):
                part_time = (done + index) % 5 == 0
                hours = "60.00" if part_time else "151.67"
                lineage = adapt(uuid.uuid4())
                years = (SMALL_YEAR, YEAR) if done + index < small else (YEAR,)
                for year in years:
                    for start, end in months[year]:
                        rows.append(
                            (lineage, pk, "35600000000048", "00001", start, end, hours,
                             deposit.pk, "banc", now)
                        )  # fmt: skip
            _copy("ingest_dsnhoursworked", hour_columns, rows)
            rows_written += len(rows)
        done += size
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"seconds": time.perf_counter() - started, "hours_rows": rows_written}


def compute(year: str) -> dict:
    _setup()
    from django.utils import timezone

    from passeport.cpf import annual
    from passeport.cpf.models import Movement
    from passeport.journal.models import JournalHead

    baseline = _rss_mb()
    head = JournalHead.objects.filter(pk=1).first()
    seq_before = head.seq if head else 0
    before = Movement.objects.count()
    started_at = timezone.now()
    started = time.perf_counter()
    report = annual.compute_rights(int(year))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "holders": report.holders,
        "accounts_opened": report.accounts_opened,
        "movements": Movement.objects.count() - before,
        "started_at": started_at.isoformat(),
        "journal_seq_before": seq_before,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": _rss_mb(),
    }


def bare(started_at: str, year: str, seq_before: str) -> dict:
    _setup()
    import datetime

    params = {
        "cpf_cpfaccount": datetime.datetime.fromisoformat(started_at),
        "cpf_movement": int(year),
        "journal_journalentry": int(seq_before),
    }
    total, elapsed, with_schema = _bare.reload(
        [(table, condition, [params[table]]) for table, condition in TABLES.items()]
    )
    return {"rows": total, "seconds": elapsed, "with_schema": with_schema}


def page() -> dict:
    """« Mes droits » of a holder with 20 years of movements, among the bench's accounts."""
    _setup()
    import datetime

    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    from passeport.cpf import ledger
    from passeport.cpf.enums import MovementKind, MovementSource, Part
    from passeport.cpf.models import CpfAccount
    from passeport.journal.actors import Actor
    from passeport.users.enums import IdentityProvider, UserKind
    from passeport.users.models import User
    from tests.factories import OrganisationFactory, PersonFactory

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    actor = Actor.system("banc")
    person = PersonFactory()
    account = ledger.open_account(person, actor=actor)
    employer = OrganisationFactory(name="Employeur du banc")
    entries = []
    for index in range(20):
        year = 2005 + index
        entries.append(
            ledger.Entry(
                kind=MovementKind.ACQUISITION, part=Part.RIGHTS, amount=20_000,
                source_kind=MovementSource.DSN, year=year,
                occurred_on=datetime.date(year + 1, 3, 31),
                details={"hours": "1820.00", "reference_hours": "1607",
                         "situation": "standard", "annual_cents": 50_000,
                         "ceiling_cents": 500_000, "gross_cents": 20_000, "pro_rata": False,
                         "balance_before_cents": 20_000 * index,
                         "employers": {employer.siret: "1820.00"}},
            )
        )  # fmt: skip
    ledger.post(account, entries, actor=actor)
    for index in range(10):
        ledger.reserve(account, 10_000, reference=f"BANC-{index}", actor=actor)
        ledger.debit(account, reference=f"BANC-{index}", actor=actor)
    user = User.objects.create(
        username="banc-droits",
        kind=UserKind.HOLDER,
        identity_provider=IdentityProvider.FRANCECONNECT,
        person=person,
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def view():
        assert client.get("/mon-espace/droits/").status_code == 200

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        view()

    def bare_sql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM cpf_cpfaccount WHERE person_id = %s", [person.pk])
            cursor.fetchall()
            cursor.execute(
                "SELECT * FROM cpf_movement WHERE account_id = %s ORDER BY seq", [account.pk]
            )
            cursor.fetchall()

    return {
        "accounts": CpfAccount.objects.count(),
        "movements": account.movements.count(),
        "page": {**_timed(view), "queries": len(executed)},
        "bare_sql": {**_timed(bare_sql), "queries": 2},
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    step = {"seed": seed, "compute": compute, "bare": bare, "page": page}[sys.argv[1]]
    print(json.dumps(step(*sys.argv[2:])))
