"""Orientation: profile + gap + leads for a holder with 30 entries, the full ROME 4.0 and
RNCP/RS loaded (`../shared/data`; the committed extract when it is absent, said so).

Server time (median and p95 over `BENCH_ORIENTATION_REQUESTS`, default 200, in-process
through Django's test client, persistent connection as in production) and SQL queries of:
the work itself (profile, gap to a target, job leads, training leads), the gap page, the
gap API and the job leads page. Next to it, in the same run, the bare SQL of the same
reads: the very statements the work sent, replayed with their parameters through a raw
cursor, rows fetched, no Python around them. The number of queries is also measured for
a holder with 5 entries: it must be the same.

What is the same for everyone is computed at load time (`load_referentials`): items and
core items per job, macro-compétences and their tree codes, bloc → item links, prevention
catalogue kinds → items."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._env import django_env
from bench.holder import _timed

ROOT = Path(__file__).resolve().parent.parent
TARGET = "14153"  # Développeur / Développeuse informatique (M1805)
# (DSN job title, PCS-ESE, RNCP/RS code, prevention kind and title): five careers.
CAREERS = (
    ("Développeur informatique", "388A", "RNCP34474", "SST", "Sauveteur secouriste du travail"),
    ("Cariste", "651A", "RNCP34857", "CACES_R489", "CACES R489 — chariots élévateurs"),
    ("Boulanger", "636A", "RNCP13856", "GESTES_POSTURES", "Gestes et postures"),
    ("Ouvrier en voirie", "621A", "RNCP31605", "CACES_R482", "CACES R482 — engins"),
    ("Agent de sécurité", "534A", "RNCP1177", "EPI_INCENDIE", "Équipier de première intervention"),
)


def run(url, manage, options):
    manage(url, "migrate", "--noinput")
    seconds = manage(url, "load_referentials", "--if-needed", "--no-progress")
    print(f"référentiels (--if-needed) : {seconds:.1f} s")
    output = subprocess.run(
        [sys.executable, "-m", "bench.orientation"],
        cwd=ROOT,
        env=django_env(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    print(
        f"ROME : {result['rome_codes']:,} codes, {result['links']:,} liens ; RNCP/RS : "
        f"{result['fiches']:,} fiches ({result['source']}) ; titulaire : "
        f"{result['entries']} entrées, {result['profile_items']} compétences au profil"
    )
    for name, label in (
        ("work", "profil + écart + pistes (métiers, formations)"),
        ("gap_page", "page de l'écart (avec pistes de formation)"),
        ("gap_api", "API GET /api/v1/orientation/gap"),
        ("leads_page", "page des métiers proches"),
    ):
        figures = result[name]
        print(
            f"{label} : médiane {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
            f"{figures['queries']} requêtes SQL (titulaire à 5 entrées : "
            f"{figures['queries_5_entries']})"
        )
    print(f"  (temps CPU du processus, médiane : {result['work']['cpu_median_ms']:.1f} ms)")
    bare = result["bare_sql"]
    print(
        f"SQL brut des mêmes lectures ({bare['queries']} requêtes) : médiane "
        f"{bare['median_ms']:.1f} ms, p95 {bare['p95_ms']:.1f} ms — travail = "
        f"{result['work']['median_ms'] / bare['median_ms']:.1f} × le SQL brut"
    )
    return result


def _holder(username, careers):
    """A holder whose passport has six entries per career, on real codes, with every job
    title confirmed (as the holder would, once)."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from passeport.journal.actors import Actor
    from passeport.orientation import jobs
    from passeport.orientation import profile as profiles
    from passeport.orientation.models import JobMatch
    from passeport.records import services as records
    from passeport.records.enums import DeclaredItemKind, SourceKind
    from passeport.records.models import (
        Certification,
        DeclaredItem,
        EmploymentPeriod,
        Engagement,
        PreventionTraining,
        Training,
    )
    from passeport.users.enums import IdentityProvider, UserKind
    from passeport.users.models import User
    from tests.factories import OrganisationFactory, PersonFactory

    user = User.objects.filter(username=username).first()
    if user:
        return user
    with transaction.atomic():
        person = PersonFactory()
        employer = OrganisationFactory(name="Employeur du banc")
        now = timezone.now()
        built = []
        for n, (title, pcs, code, kind, training) in enumerate(careers):
            year = 2010 + 2 * n
            source = records.Provenance(SourceKind.DSN, now, employer, f"banc {n}")
            built += [
                records.build_record(
                    EmploymentPeriod,
                    person,
                    source,
                    employer=employer,
                    employer_name=employer.name,
                    job_title=title,
                    pcs_ese=pcs,
                    start_date=datetime.date(year, 1, 1),
                    end_date=datetime.date(year + 1, 12, 31),
                ),
                records.build_record(
                    Certification,
                    person,
                    records.Provenance(SourceKind.ACCROCHAGE, now, None, f"banc {n}"),
                    certification_kind="RNCP",
                    code=code,
                    title=f"Certification {code}",
                    awarded_on=datetime.date(year, 7, 1),
                ),
                records.build_record(
                    Training,
                    person,
                    records.Provenance(SourceKind.MON_COMPTE_FORMATION, now, None, "CPF"),
                    title=f"Formation vers {code}",
                    certification_code=code,
                    start_date=datetime.date(year, 3, 1),
                    end_date=datetime.date(year, 6, 1),
                    funded_by_cpf=True,
                ),
                records.build_record(
                    PreventionTraining,
                    person,
                    records.Provenance(SourceKind.TRAINING_PROVIDER, now, None, "ADF"),
                    declaration_kind="ADF",
                    title=training,
                    training_kind=kind,
                    transferable_skills=["N1101", "F1702", "K2503"],
                    valid_from=datetime.date(year, 2, 2),
                ),
                records.build_record(
                    Engagement,
                    person,
                    records.Provenance(SourceKind.CEC, now, None, "CEC"),
                    engagement_kind="volunteering",
                    organisation_name="Association",
                    role="Bénévole",
                    start_date=datetime.date(year, 9, 1),
                ),
                records.build_record(
                    DeclaredItem,
                    person,
                    records.Provenance.from_holder(now),
                    item_kind=DeclaredItemKind.SKILL,
                    title="Coder",
                    rome_skills=["400261"],
                ),
            ]
        records.store_many(built, actor=Actor.system("bench"))
        user = User.objects.create(
            username=username,
            kind=UserKind.HOLDER,
            identity_provider=IdentityProvider.FRANCECONNECT,
            person=person,
        )
        profiles.build(person)
        for match in JobMatch.objects.filter(person=person, status="proposed"):
            if match.proposed_id:
                jobs.decide(match, "confirmed", actor=Actor.system("bench"))
    return user


def measure():
    import django

    django.setup()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    from passeport.orientation import gap as gaps
    from passeport.orientation import leads
    from passeport.orientation import profile as profiles
    from passeport.records.models import RECORD_MODELS
    from passeport.referentials.models import Fiche, ReferentialLoad, RomeCode, RomeSkillLink

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    requests = int(os.environ.get("BENCH_ORIENTATION_REQUESTS", 200))

    users = {
        30: _holder("banc-orientation-30", CAREERS),
        5: _holder("banc-orientation-5", CAREERS[:1]),
    }
    person = users[30].person
    if connection.vendor == "postgresql":
        # Steady state, as autovacuum leaves it in production: fresh statistics and
        # visibility maps (index-only scans) for the rows just written.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    source = (
        ReferentialLoad.objects.filter(name="rome").values_list("source_dir", flat=True).first()
    )

    def work(person=person):
        built = profiles.build(person, sync=False)
        gap = gaps.compute(built, gaps.resolve(appellation=TARGET))
        leads.job_leads(built)
        leads.training_leads(gap, built, person)
        return built

    clients = {}
    for entries, user in users.items():
        clients[entries] = Client(HTTP_HOST="127.0.0.1")
        clients[entries].force_login(user)

    def getter(path, entries=30):
        def get():
            assert clients[entries].get(path).status_code == 200

        return get

    pages = {
        "gap_page": f"/mon-espace/orientation/metiers/{TARGET}/",
        "gap_api": f"/api/v1/orientation/gap?target={TARGET}",
        "leads_page": "/mon-espace/orientation/pistes/",
    }

    def queries(function):
        executed = []

        def record(execute, sql, params, many, context):
            executed.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            function()
        return executed

    result = {
        "source": "données partagées complètes" if "shared" in (source or "") else f"{source}",
        "rome_codes": RomeCode.objects.count(),
        "links": RomeSkillLink.objects.count(),
        "fiches": Fiche.objects.count(),
        "entries": sum(model.objects.filter(person=person).count() for model in RECORD_MODELS),
        "profile_items": len(work().items),
    }
    statements = queries(work)
    cpu = []
    for _ in range(requests):
        started = time.process_time()
        work()
        cpu.append((time.process_time() - started) * 1000)
    result["work"] = {
        **_timed(work, requests),
        # This process's CPU time (SQLite's work included, PostgreSQL's not): what the
        # shared machine's load changes least.
        "cpu_median_ms": round(sorted(cpu)[len(cpu) // 2], 2),
        "queries": len(statements),
        "queries_5_entries": len(queries(lambda: work(users[5].person))),
    }
    for name, path in pages.items():
        result[name] = {
            **_timed(getter(path), requests),
            "queries": len(queries(getter(path))),
            "queries_5_entries": len(queries(getter(path, 5))),
        }

    def bare():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    result["bare_sql"] = {**_timed(bare, requests), "queries": len(statements)}
    print(json.dumps(result))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    measure()
