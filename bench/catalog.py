"""Catalogue search: `BENCH_CATALOG_TRAININGS` trainings (default 200,000) with 5 sessions
each (1,000,000), bulk-loaded, indexed (PostgreSQL: `to_tsvector('french')` + GIN; SQLite:
FTS5), then `BENCH_CATALOG_QUERIES` searches (default 200): a text query with two filters
(department, maximum price), first page of 20 with its count and next sessions, through
`catalog.search.search` — server time median and p95. Next to it, in the same run, the
bare SQL of the same searches: the very statements the search sent, replayed with their
parameters through a raw cursor, rows fetched, no Python around them.

Then the deadline job over `BENCH_CATALOG_FILES` unanswered requests past their deadline
(default 20,000: at one transaction per file, a million takes hours on two cores): files
cancelled per second by `enforce_training_file_deadlines`'s work (`deadlines.enforce`,
batches of 500, one transaction per file: transition, journal, notice), and the process's
peak memory before and after (constant memory: batches by primary key)."""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench._env import django_env

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "développeur",
    "web",
    "anglais",
    "comptabilité",
    "soudure",
    "cariste",
    "cuisine",
    "gestion",
    "projet",
    "management",
    "vente",
    "logistique",
    "électricité",
    "maçonnerie",
    "infirmier",
    "secrétariat",
    "paie",
    "informatique",
    "réseau",
    "cybersécurité",
    "photographie",
    "bureautique",
    "excel",
    "communication",
]
TERMS = ("développeur", "anglais professionnel", "gestion de projet", "soudure", "paie")


def run(url, manage, options):
    manage(url, "migrate", "--noinput")
    env = django_env(url)
    output = subprocess.run(
        [sys.executable, "-m", "bench.catalog"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    print(
        f"{result['trainings']:,} formations, {result['sessions']:,} sessions : chargement "
        f"{result['load_s']:.1f} s, index {result['index_s']:.1f} s"
    )
    search, bare = result["search"], result["bare_sql"]
    print(
        f"recherche texte + département + prix (page 1, compte, prochaines sessions) : "
        f"médiane {search['median_ms']:.1f} ms, p95 {search['p95_ms']:.1f} ms"
    )
    print(
        f"SQL brut des mêmes requêtes : médiane {bare['median_ms']:.1f} ms, "
        f"p95 {bare['p95_ms']:.1f} ms"
    )
    jobs = result["deadlines"]
    print(
        f"échéances : {jobs['files']:,} dossiers annulés sans suite en {jobs['seconds']:.1f} s "
        f"({jobs['per_second']:.0f} dossiers/s) ; mémoire maximale {jobs['rss_before_mb']:.0f} Mo "
        f"avant, {jobs['rss_after_mb']:.0f} Mo après"
    )
    return result


def _load(count: int):
    import datetime

    from django.db import connection
    from django.utils import timezone

    from passeport.catalog import search
    from passeport.catalog.models import Action, Session, Training
    from passeport.organisations.models import Organisation
    from passeport.organisations.siret import make_siren, make_siret

    rng = random.Random(7)
    provider = Organisation.objects.create(
        siret=make_siret(make_siren("41234567"), "0001"),
        name="Organisme du banc d'essai",
        is_training_provider=True,
        nda_number="11755555575",
        qualiopi_valid_until=datetime.date(2099, 1, 1),
    )
    today = timezone.localdate()
    batch = 5_000
    for start in range(0, count, batch):
        trainings = [
            Training(
                provider=provider,
                provider_ref=f"B{n}",
                title=" ".join(rng.sample(WORDS, 3)).capitalize(),
                objectives=" ".join(rng.sample(WORDS, 12)),
                search_text=" ".join(rng.sample(WORDS, 15)),
            )
            for n in range(start, min(count, start + batch))
        ]
        Training.objects.bulk_create(trainings)
        actions = [
            Action(
                training=t,
                provider_ref="A",
                price_cents=rng.randrange(50_000, 500_000, 100),
                hours=rng.randrange(20, 800),
                modality="in_person",
                commune_code="69123",
                commune_name="Lyon",
                department_code=f"{rng.randrange(1, 96):02d}",
                region_code="84",
            )
            for t in trainings
        ]
        Action.objects.bulk_create(actions)
        Session.objects.bulk_create(
            Session(
                action=a,
                provider_ref=f"S{i}",
                start_date=today + datetime.timedelta(days=rng.randrange(1, 365)),
                end_date=today + datetime.timedelta(days=400),
            )
            for a in actions
            for i in range(5)
        )
    started = time.perf_counter()
    # The search text is already normalised (see search._text_of); one pass indexes it.
    with connection.cursor() as cursor:
        if search.is_postgresql():
            cursor.execute(
                "UPDATE catalog_training SET search_vector = to_tsvector('french', search_text)"
            )
        else:
            cursor.execute(
                f"INSERT INTO {search.FTS_TABLE}(rowid, body) "
                "SELECT id, search_text FROM catalog_training"
            )
    if search.is_postgresql():
        connection.cursor().execute("ANALYZE")
    return time.perf_counter() - started


def _percentiles(values):
    values = sorted(values)
    return {
        "median_ms": statistics.median(values) * 1000,
        "p95_ms": values[int(len(values) * 0.95) - 1] * 1000,
    }


def _deadlines(count: int) -> dict:
    import datetime
    import resource

    from django.utils import timezone

    from passeport.catalog import deadlines
    from passeport.catalog.models import Session, TrainingFile
    from passeport.people.models import Person
    from passeport.people.nir import make_nir

    today = timezone.localdate()
    sessions = list(
        Session.objects.order_by("pk").values_list("pk", "action__training__provider_id")[:1000]
    )
    persons = []
    for n in range(50):
        person = Person(
            birth_name=f"BANC{n}",
            first_names="Essai",
            sex="F",
            birth_year=1980,
            birth_month=1,
            birth_day=1,
            birth_commune_code="75107",
            birth_country_code="99100",
        )
        person.set_nir(make_nir("F", 1980, 1, "75107", n + 1))
        persons.append(person)
    Person.objects.bulk_create(persons)
    now = timezone.now()
    past = today - datetime.timedelta(days=10)
    for start in range(0, count, 5_000):
        TrainingFile.objects.bulk_create(
            TrainingFile(
                reference=f"B{n:012d}",
                person=persons[n % len(persons)],
                session_id=sessions[n % len(sessions)][0],
                provider_id=sessions[n % len(sessions)][1],
                state_changed_at=now,
                act_before=past,
                price_cents=100_000,
                hours=35,
                start_date=today + datetime.timedelta(days=40),
                end_date=today + datetime.timedelta(days=45),
            )
            for n in range(start, min(count, start + 5_000))
        )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began = time.perf_counter()
    outcome = deadlines.enforce(today)
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    moved = outcome.moved.get("not_processed", 0)
    return {
        "files": moved,
        "seconds": seconds,
        "per_second": moved / seconds if seconds else 0,
        "rss_before_mb": before,
        "rss_after_mb": after,
    }


def main():
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from passeport.catalog import search
    from passeport.referentials.text import normalize

    count = int(os.environ.get("BENCH_CATALOG_TRAININGS", 200_000))
    queries = int(os.environ.get("BENCH_CATALOG_QUERIES", 200))
    started = time.perf_counter()
    index_s = _load(count)
    load_s = time.perf_counter() - started - index_s
    rng = random.Random(11)
    today = timezone.localdate()
    timings, statements = [], []
    for _ in range(queries):
        filters = search.Filters(
            text=normalize(rng.choice(TERMS)),
            department=f"{rng.randrange(1, 96):02d}",
            max_price_cents=rng.randrange(100_000, 500_000, 10_000),
        )
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            page = search.search(filters, today)
            list(page.object_list)
            timings.append(time.perf_counter() - began)
        statements.append([q["sql"] for q in captured.captured_queries])
    bare = []
    with connection.cursor() as cursor:
        for sqls in statements:
            began = time.perf_counter()
            for sql in sqls:
                cursor.execute(sql)
                cursor.fetchall()
            bare.append(time.perf_counter() - began)
    print(
        json.dumps(
            {
                "trainings": count,
                "sessions": count * 5,
                "load_s": load_s,
                "index_s": index_s,
                "search": _percentiles(timings),
                "bare_sql": _percentiles(bare),
                "queries_per_search": len(statements[0]),
                "deadlines": _deadlines(int(os.environ.get("BENCH_CATALOG_FILES", 20_000))),
            }
        )
    )


if __name__ == "__main__":
    main()
