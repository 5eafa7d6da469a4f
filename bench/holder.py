"""The holder's timeline (`/mon-espace/`) for a holder with 500 entries among N holders
(`BENCH_HOLDER_POPULATION`, default 100,000): server time (median, p95 over 50 requests
through Django's test client, in-process) and SQL queries, next to the bare SQL fetching
the same rows, measured in the same run.

The population is added in bulk (3 entries per holder, no journal: bench data only) to
whatever the database already holds; the measuring runs in a child process so that each
database gets its own Django set-up."""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench._env import django_env

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 50
TARGET_ENTRIES = 500


def run(url, manage, options):
    manage(url, "migrate", "--noinput")
    population = int(os.environ.get("BENCH_HOLDER_POPULATION", 100_000))
    # The embedded default's settings without DEBUG (the test settings' template guard
    # would dominate the figures).
    env = django_env(url)
    output = subprocess.run(
        [sys.executable, "-m", "bench.holder", str(population)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    print(
        f"population : {result['holders']:,} titulaires, {result['records']:,} entrées "
        f"(ajout : {result['populate_s']:.1f} s)"
    )
    for name in ("page", "htmx_search"):
        figures = result[name]
        print(
            f"/mon-espace/ {name} ({TARGET_ENTRIES} entrées) : médiane "
            f"{figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
            f"{figures['queries']} requêtes SQL"
        )
    bare = result["bare_sql"]
    print(
        f"SQL brut des mêmes lignes ({bare['queries']} requêtes) : médiane "
        f"{bare['median_ms']:.1f} ms, p95 {bare['p95_ms']:.1f} ms — page = "
        f"{result['page']['median_ms'] / bare['median_ms']:.1f} × le SQL brut"
    )
    return result


def _timed(function, n=REQUESTS):
    for _ in range(5):
        function()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
    }


def _populate(population):
    """Adds holders up to `population`, each with 3 entries; returns seconds spent."""
    import datetime
    import secrets

    from django.db import transaction
    from django.utils import timezone

    from passeport.core.bulk import bulk_insert
    from passeport.organisations.models import Organisation
    from passeport.organisations.siret import make_siren, make_siret
    from passeport.people.models import Person
    from passeport.records import services as records
    from passeport.records.enums import SourceKind
    from passeport.records.models import DeclaredItem, EmploymentPeriod, PreventionTraining

    started = time.perf_counter()
    missing = population - Person.objects.count()
    employer, _ = Organisation.objects.get_or_create(
        siret=make_siret(make_siren("77777777"), "0001"),
        defaults={"name": "Employeur du banc", "is_employer": True, "siren": "777777777"},
    )
    now = timezone.now()
    batch = 10_000
    while missing > 0:
        size = min(batch, missing)
        with transaction.atomic():
            people = [
                Person(
                    nir_hash=secrets.token_hex(32),
                    nir_encrypted="banc",
                    birth_name="BANC",
                    birth_name_key="banc",
                    first_names="Titulaire",
                    sex="F",
                    birth_year=1980,
                    birth_country_code="99100",
                    birth_commune_code="75107",
                )
                for _ in range(size)
            ]
            bulk_insert(Person, people)
            ids = list(
                Person.objects.filter(nir_hash__in=[p.nir_hash for p in people]).values_list(
                    "pk", flat=True
                )
            )
            built = []
            for pk in ids:
                person = Person(pk=pk)
                dsn = records.Provenance(SourceKind.DSN, now, employer, "banc")
                built.append(
                    records.build_record(
                        EmploymentPeriod,
                        person,
                        dsn,
                        employer=employer,
                        employer_name=employer.name,
                        job_title="Agent",
                        start_date=datetime.date(2015, 1, 1),
                    )
                )
                built.append(
                    records.build_record(
                        PreventionTraining,
                        person,
                        records.Provenance(SourceKind.TRAINING_PROVIDER, now, None, "banc"),
                        declaration_kind="ADF",
                        title="SST",
                        valid_from=datetime.date(2024, 1, 1),
                    )
                )
                built.append(
                    records.build_record(
                        DeclaredItem,
                        person,
                        records.Provenance.from_holder(now),
                        item_kind="language",
                        title="Anglais",
                        language_level="B1",
                    )
                )
            for model in (EmploymentPeriod, PreventionTraining, DeclaredItem):
                bulk_insert(model, [r for r in built if type(r) is model])
        missing -= size
    return time.perf_counter() - started


def _target_holder():
    from django.db import transaction

    from passeport.users.enums import IdentityProvider, UserKind
    from passeport.users.models import User
    from tests.factories import PersonFactory
    from tests.www.holder.passports import passport

    # The passport goes through records.services.store_many, journal included.
    user = User.objects.filter(username="banc-titulaire").first()
    if user:
        return user
    with transaction.atomic():
        person = PersonFactory()
        passport(person, years=TARGET_ENTRIES // 6 + 1)  # 504 entries
        user = User.objects.create(
            username="banc-titulaire",
            kind=UserKind.HOLDER,
            identity_provider=IdentityProvider.FRANCECONNECT,
            person=person,
        )
    return user


def _bare_sql(person_id):
    """The same rows, fetched with the same joins and no Python around them."""
    from django.db import connection

    from passeport.records.timeline import KINDS

    statements = []
    for kind in KINDS.values():
        table = kind.model._meta.db_table
        statements.append(
            f"SELECT r.*, o.* FROM {table} r LEFT JOIN organisations_organisation o "
            f"ON o.id = r.declarant_id WHERE r.person_id = %s "
            f"AND r.status IN ('active', 'expired')"
        )

    def fetch():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, [person_id])
                cursor.fetchall()

    return {**_timed(fetch), "queries": len(statements)}


def measure(population):
    import django

    django.setup()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    from passeport.people.models import Person
    from passeport.records.models import RECORD_MODELS

    # Persistent connections, as in production (CONN_MAX_AGE / a pooler).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    populate_s = _populate(population)
    user = _target_holder()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def page():
        assert client.get("/mon-espace/").status_code == 200

    def htmx_search():
        response = client.get(
            "/mon-espace/", {"q": "boulangere", "page": 2}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200

    result = {
        "holders": Person.objects.count(),
        "records": sum(model.objects.count() for model in RECORD_MODELS),
        "populate_s": round(populate_s, 1),
        "target_entries": sum(
            model.objects.filter(person=user.person).count() for model in RECORD_MODELS
        ),
    }
    for name, function in (("page", page), ("htmx_search", htmx_search)):
        executed = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            function()
        result[name] = {**_timed(function), "queries": len(executed)}
    result["bare_sql"] = _bare_sql(user.person_id)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    measure(int(sys.argv[1]))
