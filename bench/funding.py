"""Funders' figures (issue #15).

1. Rules for one purchase with N live rules (`BENCH_FUNDING_RULES`, default 5,000; each
   restricted to one certification among 1,000 and to a region): `FundingTopUps.evaluate`
   median and p95 over 200 evaluations and its SQL queries, next to a bare indexed query
   (the rule targets of one certification) timed the same way in the same run.
2. A credit order of M lines (`BENCH_FUNDING_LINES`, default 100,000): receiving it
   (matching by NIR + birth name, lines stored) and crediting it (one ledger credit per
   holder through `cpf.ledger.credit`, journaled): lines per second and peak RSS, next to
   a COPY of the same ledger rows (accounts, movements, journal entries) into empty
   copies of their tables, and into copies with their indexes and constraints.

    BENCH_FUNDING_LINES=100000 python -m bench --only funding --databases postgresql

Each step runs in its own process (`python -m bench.funding <step>`). Bench persons go in
by COPY (no journal: bench only). The benchmark uses a database of its own.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import _bare
from bench._env import django_env, own_database
from bench.holder import _timed

ROOT = Path(__file__).resolve().parent.parent


def run(url, manage, options):
    rules = int(os.environ.get("BENCH_FUNDING_RULES", 5_000))
    lines = int(os.environ.get("BENCH_FUNDING_LINES", 100_000))
    url = own_database(url, "funding")
    manage(url, "migrate", "--noinput")
    seeded = _step(url, "seed", str(lines))
    print(f"population : {lines:,} titulaires ({seeded['seconds']:.1f} s)")
    evaluated = _step(url, "rules", str(rules))
    print(
        f"règles pour un achat, {rules:,} règles publiées : médiane "
        f"{evaluated['evaluate']['median_ms']:.2f} ms, p95 {evaluated['evaluate']['p95_ms']:.2f} "
        f"ms, {evaluated['queries']} requêtes SQL ; requête indexée seule : médiane "
        f"{evaluated['bare']['median_ms']:.2f} ms, p95 {evaluated['bare']['p95_ms']:.2f} ms"
    )
    order = _step(url, "order", str(lines))
    print(
        f"commande de {lines:,} lignes : reçue en {order['receive_s']:.1f} s "
        f"({lines / order['receive_s']:,.0f} lignes/s), créditée en {order['credit_s']:.1f} s "
        f"({lines / order['credit_s']:,.0f} lignes/s) ; pic mémoire {order['peak_rss_mb']:.0f} Mo"
    )
    rows, bare_s, schema_s = _bare.measure(
        url,
        [
            ("cpf_cpfaccount", "opened_at >= %s", [order["started_at"]]),
            ("cpf_movement", "kind = %s", ["funder_credit"]),
            ("journal_journalentry", "seq > %s", [order["journal_seq_before"]]),
        ],
    )
    ratio = order["credit_s"] / bare_s if bare_s else float("nan")
    print(
        f"chargement brut (COPY) des mêmes {rows:,} lignes du grand livre : {bare_s:.1f} s — "
        f"crédit = {ratio:.1f} × ce chargement"
    )
    schema = _bare.with_schema(order["credit_s"], schema_s)
    return {
        "rules": rules,
        "evaluate": evaluated,
        "lines": lines,
        **{k: order[k] for k in ("receive_s", "credit_s", "peak_rss_mb")},
        "bare_rows": rows,
        "bare_load_s": round(bare_s, 2),
        "ratio_to_bare": round(ratio, 2),
        **schema,
    }


def _step(url, *args) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.funding", *args],
        cwd=ROOT,
        env=django_env(url),
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"bench.funding {args[0]} a échoué :\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _setup():
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


def _nirs(count: int) -> list[str]:
    from passeport.people.nir import make_nir

    return [
        make_nir("F", 1960 + i % 40, 1 + i % 12, f"75{101 + (i // 999) % 20:03d}", 1 + i % 999)
        for i in range(count)
    ]


def seed(count: str) -> dict:
    _setup()
    import uuid

    from django.db import connection, transaction
    from django.utils import timezone

    from bench.cpf import _copy
    from passeport.funding.enums import ConventionStatus
    from passeport.funding.models import Convention
    from passeport.organisations.models import Organisation
    from passeport.organisations.siret import make_siren, make_siret
    from passeport.people.crypto import nir_lookup_hash

    started = time.perf_counter()
    now = timezone.now()
    columns = [
        "public_id", "nir_hash", "nir_encrypted", "is_temporary_number", "birth_name",
        "birth_name_key", "usage_name", "first_names", "sex", "birth_year",
        "birth_country_code", "birth_commune_code", "email", "created_at",
    ]  # fmt: skip
    uid = (lambda u: u) if connection.vendor == "postgresql" else (lambda u: u.hex)
    seen = set()
    with transaction.atomic():
        rows = []
        for nir in _nirs(int(count)):
            hashed = nir_lookup_hash(nir[:13])
            if hashed in seen:
                continue
            seen.add(hashed)
            rows.append(
                (uid(uuid.uuid4()), hashed, "banc", False, "BANC", "banc", "", "Alix", "F",
                 int("19" + nir[1:3]), "99100", "75101", "", now)
            )  # fmt: skip
        _copy("people_person", columns, rows)
        funder = Organisation.objects.create(
            siret=make_siret(make_siren("23750007"), "0019"), name="Région banc", is_funder=True
        )
        Convention.objects.create(
            funder=funder, title="banc", status=ConventionStatus.APPROVED, starts_on="2020-01-01"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"seconds": time.perf_counter() - started, "persons": len(rows)}


def rules(count: str) -> dict:
    _setup()
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from passeport.funding.enums import RuleStatus
    from passeport.funding.models import Envelope, Rule, RuleTarget
    from passeport.funding.purchase import FundingTopUps, PurchaseContext
    from passeport.organisations.models import Organisation
    from passeport.people.models import Person

    funder = Organisation.objects.get(name="Région banc")
    envelope = Envelope.objects.create(funder=funder, name="banc", budget_cents=10**12)
    made = Rule.objects.bulk_create(
        (
            Rule(
                funder=funder,
                envelope=envelope,
                name=f"R{i}",
                status=RuleStatus.PUBLISHED,
                fixed_cents=10_000 + i,
                starts_on=datetime.date(2025, 1, 1),
                has_certification=True,
                has_region=True,
                published_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            )
            for i in range(int(count))
        ),
        batch_size=2000,
    )
    RuleTarget.objects.bulk_create(
        (
            target
            for i, rule in enumerate(made)
            for target in (
                RuleTarget(rule=rule, dimension="certification", code=f"RNCP{10000 + i % 1000}"),
                RuleTarget(rule=rule, dimension="region", code=f"{11 + i % 17}"),
            )
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    context = PurchaseContext(
        person=Person.objects.order_by("pk").first(),
        day=datetime.date(2026, 6, 1),
        price_cents=300_000,
        rights_cents=100_000,
        certification_code="RNCP10000",
        rome_codes=("M1805",),
        formacodes=("31054",),
        provider_siret="1" * 14,
        modality="in_person",
        department_code="75",
        region_code="11",
    )
    topups = FundingTopUps()
    with CaptureQueriesContext(connection) as queries:
        topups.evaluate(context)

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rule_id FROM funding_ruletarget WHERE dimension = %s AND code = %s",
                ["certification", "RNCP10000"],
            )
            cursor.fetchall()

    return {
        "evaluate": _timed(lambda: topups.evaluate(context), 200),
        "queries": len(queries),
        "bare": _timed(bare, 200),
    }


def order(count: str) -> dict:
    _setup()
    import resource

    from django.utils import timezone

    from passeport.funding.enums import Channel, CreditKind
    from passeport.funding.orders import LineInput, OrderInput, confirm_payment, receive_order
    from passeport.journal.actors import Actor
    from passeport.journal.models import JournalHead
    from passeport.organisations.models import Organisation

    funder = Organisation.objects.get(name="Région banc")
    actor = Actor.system("bench")
    lines = [LineInput(i, nir, "BANC", "300000") for i, nir in enumerate(_nirs(int(count)), 2)]
    started_at = timezone.now().isoformat()
    head = JournalHead.objects.first()
    seq_before = head.seq if head else 0
    started = time.perf_counter()
    result = receive_order(
        funder,
        OrderInput(
            external_id="BANC-1",
            kind=CreditKind.CORRECTIVE,
            transfer_reference=f"CPF-{funder.siren}-BAFO-011226",
            lines=lines,
        ),
        channel=Channel.API,
        actor=actor,
    )
    received = time.perf_counter() - started
    started = time.perf_counter()
    confirm_payment(result.order, actor=actor)
    credited = time.perf_counter() - started
    return {
        "receive_s": round(received, 2),
        "credit_s": round(credited, 2),
        "accepted": result.accepted,
        "rejected": len(result.rejected),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "started_at": started_at,
        "journal_seq_before": seq_before,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    step = {"seed": seed, "rules": rules, "order": order}[sys.argv[1]]
    print(json.dumps(step(*sys.argv[2:])))
