"""Verifiable credentials: issuance and verification rates, each next to the bare
signature (or signature check) with the same key, measured in the same run.

- SD-JWT VC with 10 disclosures issued per second (status index, issuance row, journal
  entry, signature), next to bare ES256 signatures per second;
- the same in batches (`services.issue_many`, BENCH_CREDENTIALS_BATCH per transaction):
  every credential keeps its own index, row and journal entry, the round trips are shared;
- Open Badges 3.0 issued per second (RDFC-1.0 canonicalisation of the document and of the
  proof options, Ed25519 proof), next to bare Ed25519 signatures per second;
- verifications per second through the public HTTP API (`POST /api/v1/verify`, gunicorn,
  2 sync workers, `--preload`, 4 client threads), median and p99 latency, next to bare
  signature checks and to the HTTP floor (GET /healthz on the same workers).

Sizes: BENCH_CREDENTIALS_SD_JWT (default 2,000), BENCH_CREDENTIALS_OB (500),
BENCH_CREDENTIALS_VERIFY (2,000 requests per format), BENCH_CREDENTIALS_BATCH (50). The
measuring runs in a child process so that each database gets its own Django set-up.
"""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench._env import django_env
from bench._gunicorn import serving

ROOT = Path(__file__).resolve().parent.parent
CLIENT_THREADS = 4


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

    with serving(url, VERIFY_RATE_LIMIT="100000000/m") as port:
        verify = json.loads(
            subprocess.run(
                [sys.executable, "-m", "bench.credentials", "verify", str(port)],
                cwd=ROOT,
                env=django_env(url),
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
    for name, label, bare in (
        ("sd_jwt", "SD-JWT VC", "es256_verify_per_s"),
        ("open_badge", "Open Badges 3.0", "ed25519_verify_per_s"),
    ):
        figures = verify[name]
        print(
            f"Vérification {label} par l'API HTTP (gunicorn, 2 workers) : "
            f"{figures['per_s']:,.1f}/s, médiane {figures['median_ms']:.1f} ms, "
            f"p99 {figures['p99_ms']:.1f} ms — vérifications de signature nues : "
            f"{verify[bare]:,.0f}/s"
        )
    floor = verify["http_floor"]
    print(
        f"Plancher HTTP (GET /healthz, mêmes workers) : {floor['per_s']:,.1f}/s, "
        f"médiane {floor['median_ms']:.1f} ms, p99 {floor['p99_ms']:.1f} ms"
    )
    return {"issue": issue, "verify": verify}


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


def _issue():
    import json as _json

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
    es_rate = _rate(lambda: es256.sign(message, ec.ECDSA(hashes.SHA256())), n_sd * 10)

    services.issue_open_badge(record, actor=actor)
    ob_rate = _rate(lambda: services.issue_open_badge(record, actor=actor), n_ob)
    ed = keys.signing_key(KeyAlgorithm.EDDSA).private_key
    ed_rate = _rate(lambda: ed.sign(message[:64]), n_sd * 10)

    sd_batch = [services.Request(record, IssuedFormat.SD_JWT_VC)] * batch
    ob_batch = [services.Request(record, IssuedFormat.OPEN_BADGE)] * batch
    sd_batch_rate = batch * _rate(
        lambda: services.issue_many(sd_batch, actor=actor), max(1, n_sd // batch)
    )
    ob_batch_rate = batch * _rate(
        lambda: services.issue_many(ob_batch, actor=actor), max(1, n_ob // batch)
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
                "sd_jwt_batch_per_s": round(sd_batch_rate, 1),
                "ob_batch_per_s": round(ob_batch_rate, 1),
            }
        )
    )


def _load(port, body, n):
    """`body` POSTed to the verify API (None: GET /healthz, the HTTP floor)."""
    import requests

    latencies: list[float] = []
    lock = threading.Lock()
    url = f"http://127.0.0.1:{port}" + ("/api/v1/verify" if body else "/healthz")

    def call(session):
        if body is None:
            response = session.get(url, timeout=30)
            assert response.status_code == 200, response.text
        else:
            response = session.post(url, json=body, timeout=30)
            assert response.status_code == 200 and response.json()["valid"], response.text

    def worker(count):
        session = requests.Session()
        for _ in range(count):
            started = time.perf_counter()
            call(session)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)

    for _ in range(10):  # warm both workers (imports, contexts, keys)
        call(requests)
    threads = [
        threading.Thread(target=worker, args=(n // CLIENT_THREADS,)) for _ in range(CLIENT_THREADS)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "per_s": round(len(latencies) / wall, 1),
        "median_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)], 2),
        "requests": len(latencies),
    }


def _verify(port):
    import json as _json

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from passeport.credentials import keys, services
    from passeport.credentials.models import KeyAlgorithm

    record, actor = _records()
    n = int(os.environ.get("BENCH_CREDENTIALS_VERIFY", 2000))
    _, sd_jwt = services.issue_sd_jwt(record, actor=actor)
    _, badge = services.issue_open_badge(record, actor=actor)
    result = {
        "sd_jwt": _load(port, {"sd_jwt": sd_jwt}, n),
        "open_badge": _load(port, {"open_badge": badge}, n),
        "http_floor": _load(port, None, n),
    }
    es256 = keys.signing_key(KeyAlgorithm.ES256).private_key
    message = sd_jwt.split("~")[0].encode()
    signature = es256.sign(message, ec.ECDSA(hashes.SHA256()))
    public = es256.public_key()
    result["es256_verify_per_s"] = round(
        _rate(lambda: public.verify(signature, message, ec.ECDSA(hashes.SHA256())), 3000)
    )
    ed = keys.signing_key(KeyAlgorithm.EDDSA).private_key
    ed_signature = ed.sign(message)
    ed_public = ed.public_key()
    result["ed25519_verify_per_s"] = round(
        _rate(lambda: ed_public.verify(ed_signature, message), 3000)
    )
    print(_json.dumps(result))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _setup()
    if sys.argv[1] == "issue":
        _issue()
    else:
        _verify(int(sys.argv[2]))
