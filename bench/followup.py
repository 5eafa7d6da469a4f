"""The employer's follow-up board (`/pro/organisations/<uuid>/prevention/suivi/`) for an
employer with 5,000 employees among N holders (`BENCH_FOLLOWUP_POPULATION`, default
1,000,000; `BENCH_FOLLOWUP_EMPLOYEES`, default 5,000): server time (median, p95 over 20
requests through Django's test client, in-process) and SQL queries, for the first page,
a filtered page and the CSV and XLSX exports (streamed, read to the end); next to a
bare SQL fetch of the same rows (the employees and their trainings, no consent, no
aggregate) measured in the same run.

Every holder has a DSN employment period and a prevention training; the employees have
three trainings each, two thirds consent (all), a third do not; one post requires two
kinds. Bench data go in with `core.bulk.bulk_insert` (no journal), then `ANALYZE`; the
measuring runs in a child process so that each database gets its own Django set-up."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._env import django_env
from bench.holder import _timed

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 20
KINDS = ("SST", "CACES_R489", "HABILITATION_ELECTRIQUE", "AIPR", "TRAVAIL_HAUTEUR", "PRAP")


def run(url, manage, options):
    manage(url, "migrate", "--noinput")
    population = int(os.environ.get("BENCH_FOLLOWUP_POPULATION", 1_000_000))
    employees = int(os.environ.get("BENCH_FOLLOWUP_EMPLOYEES", 5_000))
    env = django_env(url)
    output = subprocess.run(
        [sys.executable, "-m", "bench.followup", str(population), str(employees)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    print(
        f"population : {result['holders']:,} titulaires, {result['employees']:,} salariés "
        f"suivis, {result['trainings']:,} formations (ajout : {result['populate_s']:.1f} s)"
    )
    for name in ("board", "filtered", "export_csv", "export_xlsx"):
        figures = result[name]
        print(
            f"tableau de suivi {name} : médiane {figures['median_ms']:.1f} ms, "
            f"p95 {figures['p95_ms']:.1f} ms, {figures['queries']} requêtes SQL"
        )
    bare = result["bare_sql"]
    print(
        f"SQL brut des mêmes lignes ({bare['queries']} requête) : médiane "
        f"{bare['median_ms']:.1f} ms, p95 {bare['p95_ms']:.1f} ms — tableau = "
        f"{result['board']['median_ms'] / bare['median_ms']:.1f} × le SQL brut"
    )
    return result


def _populate(population, employees):
    import datetime
    import secrets

    from django.db import transaction
    from django.utils import timezone

    from passeport.consent.models import PreventionConsent
    from passeport.core.bulk import bulk_insert
    from passeport.followup.models import Post, PostAssignment
    from passeport.organisations.models import Organisation
    from passeport.organisations.siret import make_siren, make_siret
    from passeport.people.models import Person
    from passeport.records import services as records
    from passeport.records.enums import SourceKind
    from passeport.records.models import EmploymentPeriod, PreventionTraining

    started = time.perf_counter()
    employer, _ = Organisation.objects.get_or_create(
        siret=make_siret(make_siren("66666666"), "0001"),
        defaults={"name": "Employeur suivi du banc", "is_employer": True},
    )
    others, _ = Organisation.objects.get_or_create(
        siret=make_siret(make_siren("55555555"), "0001"),
        defaults={"name": "Autre employeur du banc", "is_employer": True},
    )
    post, _ = Post.objects.get_or_create(
        employer=employer, name="Atelier", defaults={"required_kinds": ["SST", "AIPR"]}
    )
    today = timezone.localdate()
    now = timezone.now()
    done = Person.objects.count()
    hired = EmploymentPeriod.objects.filter(employer=employer).count()
    batch = 10_000
    while done < population:
        size = min(batch, population - done)
        with transaction.atomic():
            people = [
                Person(
                    nir_hash=secrets.token_hex(32),
                    nir_encrypted="banc",
                    birth_name=f"BANC{(done + i) % 997:03d}",
                    birth_name_key=f"banc{(done + i) % 997:03d}",
                    first_names="Titulaire",
                    sex="F",
                    birth_year=1960 + (done + i) % 45,
                    birth_country_code="99100",
                    birth_commune_code="75107",
                )
                for i in range(size)
            ]
            bulk_insert(Person, people)
            ids = list(
                Person.objects.filter(nir_hash__in=[p.nir_hash for p in people]).values_list(
                    "pk", flat=True
                )
            )
            built, consents, assignments = [], [], []
            for index, pk in enumerate(ids):
                person = Person(pk=pk)
                mine = hired < employees
                organisation = employer if mine else others
                built.append(
                    records.build_record(
                        EmploymentPeriod,
                        person,
                        records.Provenance(SourceKind.DSN, now, organisation, "banc"),
                        employer=organisation,
                        employer_name=organisation.name,
                        siret=organisation.siret,
                        job_title="Agent",
                        start_date=datetime.date(2015, 1, 1),
                    )
                )
                for n in range(3 if mine else 1):
                    kind = KINDS[(index + n) % len(KINDS)]
                    valid_until = today + datetime.timedelta(days=(index * 7 + n * 130) % 900 - 200)
                    built.append(
                        records.build_record(
                            PreventionTraining,
                            person,
                            records.Provenance(SourceKind.TRAINING_PROVIDER, now, None, "banc"),
                            declaration_kind="ADF",
                            title=f"Formation {kind}",
                            training_kind=kind,
                            valid_from=valid_until - datetime.timedelta(days=730),
                            valid_until=valid_until,
                        )
                    )
                if mine:
                    hired += 1
                    if hired % 3:
                        consents.append(
                            PreventionConsent(person=person, employer=employer, scope="all")
                        )
                    if hired % 2:
                        assignments.append(PostAssignment(post=post, person=person))
            for model in (EmploymentPeriod, PreventionTraining):
                bulk_insert(model, [r for r in built if type(r) is model])
            bulk_insert(PreventionConsent, consents)
            bulk_insert(PostAssignment, assignments)
        done += size
    return employer, time.perf_counter() - started


def _member(employer):
    from passeport.organisations.models import Membership
    from passeport.users.models import User

    user, _ = User.objects.get_or_create(
        username="banc-employeur", defaults={"kind": "professional"}
    )
    Membership.objects.get_or_create(user=user, organisation=employer, defaults={"role": "admin"})
    return user


def _bare_sql(employer):
    """The same rows (every employee of the employer and their current trainings), one
    join, no consent, no aggregate, no Python around it."""
    from django.db import connection

    sql = (
        "SELECT p.id, p.birth_name, p.first_names, p.birth_year, t.title, t.training_kind, "
        "t.valid_from, t.valid_until FROM records_employmentperiod e "
        "JOIN people_person p ON p.id = e.person_id "
        "LEFT JOIN records_preventiontraining t ON t.person_id = p.id "
        "AND t.status IN ('active', 'expired') "
        "WHERE e.employer_id = %s AND e.status = 'active'"
    )

    def fetch():
        with connection.cursor() as cursor:
            cursor.execute(sql, [employer.pk])
            cursor.fetchall()

    return {**_timed(fetch, REQUESTS), "queries": 1}


def measure(population, employees):
    import django

    django.setup()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    from passeport.people.models import Person
    from passeport.records.models import PreventionTraining

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)

    employer, populate_s = _populate(population, employees)
    # Planner statistics, as a production database has them (autovacuum would run
    # ANALYZE after such a load, but not before the first request measured here).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(_member(employer))
    base = f"/pro/organisations/{employer.public_id}/prevention/suivi/"

    def board():
        assert client.get(base).status_code == 200

    def filtered():
        response = client.get(base, {"famille": "equipment", "etat": "expiring", "page": 2})
        assert response.status_code == 200

    def export_xlsx():
        response = client.get(f"{base}export.xlsx")
        assert response.status_code == 200 and b"".join(response.streaming_content)

    def export_csv():
        response = client.get(f"{base}export.csv")
        assert response.status_code == 200 and b"".join(response.streaming_content)

    result = {
        "holders": Person.objects.count(),
        "employees": employees,
        "trainings": PreventionTraining.objects.count(),
        "populate_s": round(populate_s, 1),
    }
    for name, function, n in (
        ("board", board, REQUESTS),
        ("filtered", filtered, REQUESTS),
        ("export_csv", export_csv, 5),
        ("export_xlsx", export_xlsx, 5),
    ):
        executed = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            function()
        result[name] = {**_timed(function, n), "queries": len(executed)}
    result["bare_sql"] = _bare_sql(employer)
    print(json.dumps(result))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    measure(int(sys.argv[1]), int(sys.argv[2]))
