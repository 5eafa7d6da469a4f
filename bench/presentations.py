"""OpenID4VP presentations verified per second through HTTP, next to bare SD-JWT
verification measured in the same run.

- HTTP: gunicorn (2 sync workers, `--preload`) on the bench database; wrk (2 threads,
  4 connections, `bench/presentations.lua`) POSTs prepared wallet answers to their
  requests' `response_uri`, each once: a presentation request accepts one answer. Each
  answer is a whole verification: the request row locked and updated, the SD-JWT VC
  (signature, 3 disclosures, status, expiry, key binding over the request's nonce), the
  issuance found, the holder's access log appended. Requests per second, p50 and p99.
- Bare: the `sd-jwt` reference verifier on the same presentation (issuer signature,
  disclosures, KB-JWT signature, nonce and audience), no database, one core; and our
  `verification.verify_sd_jwt` in-process (2 queries: key, status entry).

Sizes: BENCH_PRESENTATIONS (prepared answers, default 4,000), BENCH_PRESENTATIONS_SECONDS
(wrk's duration, default 10; a thread that runs out of answers stops early). wrk comes
from Debian (`apt-get install wrk`).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench._env import django_env

ROOT = Path(__file__).resolve().parent.parent
WRK_THREADS = 2
WRK_CONNECTIONS = 4
WARM_UP = 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn ne répond pas")


def _warm_up(port, answers: Path) -> None:
    """Both workers import and load everything (views, keys, the verifier's identity)
    before wrk starts: the first WARM_UP answers are posted one by one, then dropped."""
    import urllib.request

    lines = answers.read_text().splitlines(keepends=True)
    for line in lines[:WARM_UP]:
        path, body = line.rstrip("\n").split("\t", 1)
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body.encode())
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
    answers.write_text("".join(lines[WARM_UP:]))


def run(url, manage, options):
    if not shutil.which("wrk"):
        print("wrk absent (apt-get install wrk) : mesure HTTP des présentations ignorée.")
        return None
    manage(url, "migrate", "--noinput")
    port = _free_port()
    env = django_env(url, SITE_URL=f"http://127.0.0.1:{port}")
    answers = ROOT / "var" / f"bench-presentations-{os.getpid()}.txt"
    answers.parent.mkdir(exist_ok=True)
    prepared = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.presentations", str(answers)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "2"),
            *("-b", f"127.0.0.1:{port}", "--log-level", "warning", "--preload"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for(port)
        _warm_up(port, answers)
        seconds = int(os.environ.get("BENCH_PRESENTATIONS_SECONDS", 10))
        output = subprocess.run(
            [
                *("wrk", "-t", str(WRK_THREADS), "-c", str(WRK_CONNECTIONS), "-d", f"{seconds}s"),
                "--timeout=30s",
                *("-s", str(ROOT / "bench" / "presentations.lua"), f"http://127.0.0.1:{port}"),
            ],
            env={
                **os.environ,
                "BENCH_PRESENTATIONS_FILE": str(answers),
                "BENCH_WRK_THREADS": str(WRK_THREADS),
            },
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
        answers.unlink(missing_ok=True)
    if os.environ.get("BENCH_VERBOSE"):
        print(output)
    http = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    verified = http["requests"] - http["refused"]
    http["per_s"] = round(verified / (http["duration_us"] / 1e6), 1)
    print(
        f"Présentations OpenID4VP vérifiées par HTTP (gunicorn 2 workers, wrk) : "
        f"{http['per_s']:,.1f}/s, p50 {http['p50_us'] / 1000:.1f} ms, "
        f"p99 {http['p99_us'] / 1000:.1f} ms ({verified:,} réponses"
        + (f", {http['refused']} rejouées en fin de course" if http["refused"] else "")
        + ")"
    )
    print(
        f"— vérification SD-JWT + liaison de clé nue (bibliothèque sd-jwt, sans base, un "
        f"cœur) : {prepared['bare_per_s']:,.0f}/s ; verify_sd_jwt en processus (2 requêtes "
        f"SQL) : {prepared['in_process_per_s']:,.0f}/s"
    )
    return {"http": http, **prepared}


# --- Child process: prepared answers and the bare rates --------------------------------


def _prepare(path: Path):
    import django

    django.setup()
    from django.utils import timezone
    from jwcrypto.jwk import JWK
    from sd_jwt.holder import SDJWTHolder
    from sd_jwt.verifier import SDJWTVerifier

    from bench.credentials import _records
    from passeport.credentials import keys, services, verification
    from passeport.credentials.oid4vp import identity, requests

    n = int(os.environ.get("BENCH_PRESENTATIONS", 4000)) + WARM_UP
    record, actor = _records()
    wallet = JWK.generate(kty="EC", crv="P-256")
    issuance, credential = services.issue_sd_jwt(
        record, actor=actor, holder_jwk=wallet.export_public(as_dict=True)
    )
    kind = "diplome"
    client_id = identity.current().client_id
    disclose = dict.fromkeys(requests.required_claims(kind), True)

    def presentation(nonce):
        holder = SDJWTHolder(credential)
        holder.create_presentation(
            disclose, nonce=nonce, aud=client_id, holder_key=wallet, sign_alg="ES256"
        )
        return holder.sd_jwt_presentation

    started = time.perf_counter()
    with path.open("w") as out:
        for _ in range(n):
            request = requests.create(kind)
            body = {
                "vp_token": json.dumps(
                    {requests.CREDENTIAL_QUERY_ID: [presentation(request.nonce)]}
                ),
                "state": request.oauth_state,
            }
            path_only = urlsplit(requests.response_uri(request)).path
            out.write(f"{path_only}\t{urlencode(body)}\n")
    prepare_s = time.perf_counter() - started

    sample = presentation("bench-nonce")
    issuer_key = keys.public_jwk(keys.find_key(issuance.kid))

    def bare():
        verifier = SDJWTVerifier(
            sample,
            lambda issuer, header: issuer_key,
            expected_aud=client_id,
            expected_nonce="bench-nonce",
        )
        verifier.get_verified_payload()

    count = 1000
    started = time.perf_counter()
    for _ in range(count):
        bare()
    bare_rate = count / (time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(count):
        assert verification.verify_sd_jwt(
            sample, expected_aud=client_id, nonce="bench-nonce", at=timezone.now()
        ).ok
    in_process = count / (time.perf_counter() - started)
    print(
        json.dumps(
            {
                "prepared": n - WARM_UP,
                "prepare_s": round(prepare_s, 1),
                "bare_per_s": round(bare_rate),
                "in_process_per_s": round(in_process),
            }
        )
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _prepare(Path(sys.argv[1]))
