"""Verifiable credentials: issuance rates, each next to a baseline measured in the same run.

- SD-JWT VC with 10 disclosures issued per second, one per transaction, next to bare ES256
  signatures per second with the same key;
- the same in batches (`services.issue_many`, BENCH_CREDENTIALS_BATCH per transaction):
  every credential keeps its own index, row and journal entry, the round trips are shared;
  next to the baseline of the same work done bare: one signature per credential plus the
  COPY of the same rows (issuance rows and journal entries) into copies of their tables
  with their indexes and constraints;
- Open Badges 3.0 issued per second (RDFC-1.0 canonicalisation of the document and of the
  proof options, Ed25519 proof), one by one and in batches, with the same baselines;
- the canonicalisation of an Open Badge by pyld (the one in use) and by a compiled
  canonicaliser from PyPI (pyoxigraph, RDFC-1.0 in Rust) on the same N-Quads, output
  compared byte for byte.

Verification over HTTP is measured with wrk by `bench/web.py`. Sizes:
BENCH_CREDENTIALS_SD_JWT (default 2,000), BENCH_CREDENTIALS_OB (500),
BENCH_CREDENTIALS_BATCH (50). The measuring runs in a child process so that each database
gets its own Django set-up.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._env import django_env

ROOT = Path(__file__).resolve().parent.parent


def run(url, manage, options):
    manage(url, "migrate", "--noinput")
    issue = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.credentials", "issue"],
            cwd=ROOT,
            env=django_env(url),
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    print(
        f"SD-JWT VC ({issue['disclosures']} divulgations) : {issue['sd_jwt_per_s']:,.0f} émis/s "
        f"— signatures ES256 nues, même clé : {issue['es256_sign_per_s']:,.0f}/s"
    )
    print(
        f"SD-JWT VC par lots de {issue['batch']} (issue_many) : "
        f"{issue['sd_jwt_batch_per_s']:,.0f} émis/s ; Open Badges 3.0 par lots : "
        f"{issue['ob_batch_per_s']:,.0f} émis/s"
    )
    print(
        f"Open Badges 3.0 (canonicalisation RDFC-1.0) : {issue['ob_per_s']:,.1f} émis/s "
        f"— signatures Ed25519 nues, même clé : {issue['ed25519_sign_per_s']:,.0f}/s"
    )

    for label, key, bare in (
        ("SD-JWT VC", "sd_jwt", "sd_jwt_baseline_per_s"),
        ("Open Badges 3.0", "ob", "ob_baseline_per_s"),
    ):
        rate, baseline = issue[f"{key}_batch_per_s"], issue[bare]
        print(
            f"{label} par lots : {rate:,.0f}/s — signature nue + COPY des mêmes lignes "
            f"(émissions, journal) avec index et contraintes : {baseline:,.0f}/s ; "
            f"émission = {rate / baseline:.0%} de cette référence"
        )
    canon = issue["canonicalisation"]
    print(
        f"Canonicalisation du document d'un Open Badge : {canon['total_ms']:.2f} ms en tout ; "
        f"l'algorithme RDFC-1.0 seul : pyld {canon['pyld_rdfc_ms']:.2f} ms, pyoxigraph "
        f"(compilé, en service) {canon['oxigraph_rdfc_ms']:.2f} ms ; sorties "
        f"identiques : {'oui' if canon['identical'] else 'NON'}"
    )
    return {"issue": issue}


def _rate(function, n) -> float:
    started = time.perf_counter()
    for _ in range(n):
        function()
    return n / (time.perf_counter() - started)


# --- Child process ---------------------------------------------------------------------


def _setup():
    import django

    django.setup()


def _records():
    """A holder with a certification giving 10 disclosures, and a training."""
    import datetime

    from django.utils import timezone

    from passeport.journal.actors import Actor
    from passeport.people.nir import make_nir
    from passeport.people.services import create_person
    from passeport.records import services as records
    from passeport.records.enums import SourceKind

    actor = Actor.system("bench")
    person = create_person(
        nir=make_nir("2", 1990, 5, "75107", 1 + os.getpid() % 998),
        birth_name="BENCH",
        first_names="Camille",
        sex="F",
        birth_year=1990,
        birth_month=5,
        birth_day=12,
        birth_commune_code="75107",
        actor=actor,
    )
    certification = records.store_certification(
        person,
        provenance=records.Provenance(SourceKind.ACCROCHAGE, timezone.now()),
        actor=actor,
        certification_kind="RNCP",
        code="RNCP34321",
        title="Licence professionnelle métiers de l'électricité",
        level=6,
        certifier_name="Université de Lille",
        awarded_on=datetime.date(2024, 7, 1),
        mention="Bien",
    )
    return certification, actor


def _batch_baseline(before: dict, signature_seconds: float, count: int) -> float:
    """Credentials per second of the bare work: `signature_seconds` for `count` bare
    signatures, plus the COPY of the rows the batches wrote (issuances, journal entries)
    into copies of their tables with indexes and constraints."""
    from bench import _bare

    _rows, _bare_s, with_schema = _bare.reload(
        [
            ("credentials_issuance", "id > %s", [before["issuance"]]),
            ("journal_journalentry", "id > %s", [before["journal"]]),
        ]
    )
    return count / (signature_seconds + with_schema)


def _high_water() -> dict:
    from django.db.models import Max

    from passeport.credentials.models import Issuance
    from passeport.journal.models import JournalEntry

    return {
        "issuance": Issuance.objects.aggregate(m=Max("id"))["m"] or 0,
        "journal": JournalEntry.objects.aggregate(m=Max("id"))["m"] or 0,
    }


def _canonicalisation(badge: dict) -> dict:
    """The whole canonicalisation (pyld's expansion to RDF, then RDFC-1.0 by pyoxigraph),
    and the RDFC-1.0 algorithm alone by pyld (URDNA2015, used before) and by pyoxigraph
    (Rust, in use) on the same N-Quads, outputs compared."""
    from pyld.jsonld import JsonLdProcessor

    from passeport.credentials import jsonld

    unsigned = {key: value for key, value in badge.items() if key != "proof"}
    options = {"documentLoader": jsonld.document_loader, "base": None}
    nquads = JsonLdProcessor().to_rdf(unsigned, {**options, "format": "application/n-quads"})
    n = 200

    def pyld_rdfc():
        return JsonLdProcessor().normalize(
            nquads,
            {**options, "algorithm": "URDNA2015", "inputFormat": "application/n-quads",
             "format": "application/n-quads"},
        )  # fmt: skip

    def oxigraph_rdfc():
        return jsonld.rdfc(nquads)

    return {
        "total_ms": round(1000 / _rate(lambda: jsonld.canonicalize(unsigned), n), 3),
        "pyld_rdfc_ms": round(1000 / _rate(pyld_rdfc, n), 3),
        "oxigraph_rdfc_ms": round(1000 / _rate(oxigraph_rdfc, n), 3),
        "identical": pyld_rdfc() == oxigraph_rdfc() == jsonld.canonicalize(unsigned),
    }


def _issue():
    import json as _json
    import time

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from passeport.credentials import keys, services
    from passeport.credentials.models import IssuedFormat, KeyAlgorithm

    record, actor = _records()
    n_sd = int(os.environ.get("BENCH_CREDENTIALS_SD_JWT", 2000))
    n_ob = int(os.environ.get("BENCH_CREDENTIALS_OB", 500))
    batch = int(os.environ.get("BENCH_CREDENTIALS_BATCH", 50))
    _, sample = services.issue_sd_jwt(record, actor=actor)  # keys and lists created
    disclosures = len(sample.split("~")) - 2
    sd_rate = _rate(lambda: services.issue_sd_jwt(record, actor=actor), n_sd)
    es256 = keys.signing_key(KeyAlgorithm.ES256).private_key
    message = sample.split("~")[0].encode()
    es_rate = _rate(lambda: es256.sign(message, ec.ECDSA(hashes.SHA256())), n_sd)

    _, badge = services.issue_open_badge(record, actor=actor)
    ob_rate = _rate(lambda: services.issue_open_badge(record, actor=actor), n_ob)
    ed = keys.signing_key(KeyAlgorithm.EDDSA).private_key
    ed_rate = _rate(lambda: ed.sign(message[:64]), n_sd)

    results = {}
    for key, fmt, count, sign_rate in (
        ("sd_jwt", IssuedFormat.SD_JWT_VC, n_sd, es_rate),
        ("ob", IssuedFormat.OPEN_BADGE, n_ob, ed_rate),
    ):
        requests = [services.Request(record, fmt)] * batch
        rounds = max(1, count // batch)
        before = _high_water()
        started = time.perf_counter()
        for _ in range(rounds):
            services.issue_many(requests, actor=actor)
        issued = rounds * batch
        results[f"{key}_batch_per_s"] = round(issued / (time.perf_counter() - started), 1)
        results[f"{key}_baseline_per_s"] = round(
            _batch_baseline(before, issued / sign_rate, issued), 1
        )
    print(
        _json.dumps(
            {
                "disclosures": disclosures,
                "sd_jwt_per_s": round(sd_rate, 1),
                "es256_sign_per_s": round(es_rate),
                "ob_per_s": round(ob_rate, 2),
                "ed25519_sign_per_s": round(ed_rate),
                "batch": batch,
                **results,
                "canonicalisation": _canonicalisation(badge),
            }
        )
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _setup()
    _issue()
