"""The web paths under real load: wrk against gunicorn (the Procfile's `web`, 2 sync
workers, `--preload`, persistent connections) on PostgreSQL, with a population of
`BENCH_WEB_POPULATION` holders (default 1,000,000), each figure next to its baselines
measured in the same run:

- `GET /healthz` next to a bare Django view returning a constant through the same
  gunicorn (no middleware, no database: `bench/_bare_app.py`);
- the holder's passport page (a holder with 42 entries among the population): requests/s
  by concurrency, the concurrency that saturates the two workers, and p99 at twice it;
- the employer board's first page (5,000 employees among the population), one request at
  a time: p50 and p99;
- `POST /api/v1/verify` with an SD-JWT VC and with an Open Badge, next to the bare
  signature checks per second (ES256, Ed25519) on one core of the same machine;
- a share link's page (a journal entry per view);
- the catalogue search (`/formations/?q=…&department=…`, first page of 20 with the next
  sessions) over `BENCH_WEB_TRAININGS` trainings (default 20,000, 5 sessions each),
  anonymous and as the holder (what each training would cost them).

Sizes: BENCH_WEB_POPULATION, BENCH_WEB_TRAININGS, BENCH_WEB_SECONDS (10 per run). wrk
and PostgreSQL are needed (SQLite is measured by the other benchmarks); the cache is Redis
when it answers on 127.0.0.1:6379 (the production shape: rate limits are counted there),
else files.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from bench import _wrk
from bench._env import django_env

ROOT = Path(__file__).resolve().parent.parent
ENTRIES_YEARS = 7  # tests.www.holder.passports: 6 entries a year → 42


def _own_database(url: str) -> str:
    import psycopg

    base, name = url.rsplit("/", 1)
    name = f"{name}_web"
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def _redis() -> str:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return ""
    return "redis://127.0.0.1:6379/5"


def run(url, manage, options):
    if not url.startswith("postgres"):
        print("Chemins web (wrk) : mesurés sur PostgreSQL seulement.")
        return {}
    if not _wrk.available():
        print("wrk absent (paquet Debian wrk) : chemins web non mesurés.")
        return {}
    url = _own_database(url)
    manage(url, "migrate", "--noinput")
    population = int(os.environ.get("BENCH_WEB_POPULATION", 1_000_000))
    seconds = int(os.environ.get("BENCH_WEB_SECONDS", 10))
    env = django_env(
        url,
        CACHE_URL=_redis(),
        VERIFY_RATE_LIMIT="100000000/m",
    )
    fixtures = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.web", "setup", str(population)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    print(
        f"population : {fixtures['holders']:,} titulaires (ajout : {fixtures['populate_s']:.0f} s)"
        f" ; cache : {'Redis' if env['CACHE_URL'] else 'fichiers'}"
    )
    result = {
        "population": fixtures["holders"],
        "trainings": fixtures["trainings"],
        "bare_verify": fixtures["bare"],
    }
    bare_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench._bare_app"}
    with _wrk.serve(bare_env, app="bench._bare_app:application") as bare_url:
        result["bare_view"] = _wrk.load(f"{bare_url}/healthz", connections=4, seconds=seconds)
    with _wrk.serve(env) as base:
        result.update(_measure(base, fixtures, seconds))
    _print(result)
    return result


def _measure(base, fixtures, seconds) -> dict:
    holder = {"Cookie": f"sessionid={fixtures['holder_session']}"}
    employer = {"Cookie": f"sessionid={fixtures['employer_session']}"}
    json_headers = {"Content-Type": "application/json"}
    result = {"healthz": _wrk.load(f"{base}/healthz", connections=4, seconds=seconds)}
    level, runs = _wrk.saturating(
        f"{base}/mon-espace/", headers=holder, seconds=seconds, levels=(1, 2, 4, 8)
    )
    result["holder_page"] = {
        "by_concurrency": runs,
        "saturating": level,
        "at_twice": _wrk.load(
            f"{base}/mon-espace/", headers=holder, connections=2 * level, seconds=seconds
        ),
    }
    result["board_first_page"] = _wrk.load(
        f"{base}{fixtures['board_path']}", headers=employer, connections=1, seconds=seconds
    )
    for name in ("sd_jwt", "open_badge"):
        result[f"verify_{name}"] = _wrk.load(
            f"{base}/api/v1/verify",
            method="POST",
            body=json.dumps({name: fixtures[name]}).encode(),
            headers=json_headers,
            connections=4,
            seconds=seconds,
        )
    result["share_link"] = _wrk.load(
        f"{base}{fixtures['share_path']}", connections=4, seconds=seconds
    )
    search = f"{base}/formations/?q=d%C3%A9veloppeur+web&department=69"
    result["catalog_search"] = _wrk.load(search, connections=4, seconds=seconds)
    result["catalog_search_holder"] = _wrk.load(
        search, headers=holder, connections=4, seconds=seconds
    )
    return result


def _line(label, figures, extra=""):
    errors = f", {figures['errors']} erreurs" if figures["errors"] else ""
    print(
        f"{label} : {figures['per_s']:,.0f} req/s, p50 {figures['p50_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms (c={figures['connections']}{errors}){extra}"
    )


def _print(result):
    bare = result["bare_view"]
    _line("vue Django nue (même gunicorn, sans middleware)", bare)
    share = result["healthz"]["per_s"] / bare["per_s"]
    _line("GET /healthz", result["healthz"], f" — {share:.0%} de la vue nue")
    holder = result["holder_page"]
    rates = ", ".join(f"c={r['connections']} {r['per_s']:,.0f}/s" for r in holder["by_concurrency"])
    print(f"page du passeport (42 entrées) : {rates} ; saturée à c={holder['saturating']}")
    _line("page du passeport à 2× la saturation", holder["at_twice"])
    _line("tableau de suivi, première page (5 000 salariés)", result["board_first_page"])
    for name, label, bare_key in (
        ("sd_jwt", "SD-JWT VC", "es256"),
        ("open_badge", "Open Badge 3.0", "ed25519"),
    ):
        figures = result[f"verify_{name}"]
        naked = result["bare_verify"][bare_key]
        _line(
            f"POST /api/v1/verify {label}",
            figures,
            f" — {figures['per_s'] / naked:.0%} des vérifications nues ({naked:,.0f}/s, 1 cœur)",
        )
    _line("page d'un lien de partage", result["share_link"])
    trainings = f"{result['trainings']:,} formations".replace(",", " ")
    _line(f"recherche du catalogue, anonyme ({trainings})", result["catalog_search"])
    _line(
        "recherche du catalogue, titulaire connecté (coût pour lui)",
        result["catalog_search_holder"],
    )


# --- Child process: the population and what the requests need ---------------------------


def _rate(function, n) -> float:
    import time

    started = time.perf_counter()
    for _ in range(n):
        function()
    return n / (time.perf_counter() - started)


def _session(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _holder():
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from passeport.journal.actors import Actor
    from passeport.records import services as records
    from passeport.records.models import RECORD_MODELS, Certification
    from passeport.sharing import services as sharing
    from passeport.users.enums import IdentityProvider, UserKind
    from passeport.users.models import User
    from tests.factories import PersonFactory
    from tests.www.holder.passports import passport

    with transaction.atomic():
        person = PersonFactory()
        passport(person, years=ENTRIES_YEARS)
        user = User.objects.create(
            username="banc-web-titulaire",
            kind=UserKind.HOLDER,
            identity_provider=IdentityProvider.FRANCECONNECT,
            person=person,
        )
        actor = Actor.for_user(user)
        current = [
            record
            for model in RECORD_MODELS
            for record in model.objects.filter(person=person).current().order_by("pk")
        ]
        records.set_publication(current, published=True, actor=actor)
        guaranteed = [r for r in current if r.is_guaranteed]
        shared = [r for r in guaranteed if isinstance(r, Certification)][:2]
        shared += [r for r in guaranteed if not isinstance(r, Certification)][:8]
        _link, token = sharing.create_link(
            person,
            records=shared,
            expires_on=timezone.localdate() + datetime.timedelta(days=30),
            recipient="Recruteur du banc",
            actor=actor,
        )
    return user, shared, token


def _credentials(record):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from passeport.credentials import keys, services
    from passeport.credentials.models import KeyAlgorithm
    from passeport.journal.actors import Actor

    actor = Actor.system("bench")
    _, sd_jwt = services.issue_sd_jwt(record, actor=actor)
    _, badge = services.issue_open_badge(record, actor=actor)
    message = sd_jwt.split("~")[0].encode()
    es256 = keys.signing_key(KeyAlgorithm.ES256).private_key
    signature, public = es256.sign(message, ec.ECDSA(hashes.SHA256())), es256.public_key()
    ed = keys.signing_key(KeyAlgorithm.EDDSA).private_key
    ed_signature, ed_public = ed.sign(message), ed.public_key()
    bare = {
        "es256": round(
            _rate(lambda: public.verify(signature, message, ec.ECDSA(hashes.SHA256())), 5000)
        ),
        "ed25519": round(_rate(lambda: ed_public.verify(ed_signature, message), 5000)),
    }
    return sd_jwt, badge, bare


def setup(population: int):
    import django

    django.setup()
    from django.db import connection
    from django.urls import reverse

    from bench import catalog, followup
    from passeport.people.models import Person
    from passeport.records.models import Certification

    employer, populate_s = followup._populate(population - 1, followup_employees())
    user, shared, token = _holder()
    trainings = int(os.environ.get("BENCH_WEB_TRAININGS", 20_000))
    catalog._load(trainings)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    certification = next(r for r in shared if isinstance(r, Certification))
    sd_jwt, badge, bare = _credentials(certification)
    print(
        json.dumps(
            {
                "holders": Person.objects.count(),
                "trainings": trainings,
                "populate_s": round(populate_s, 1),
                "holder_session": _session(user),
                "employer_session": _session(followup._member(employer)),
                "board_path": f"/pro/organisations/{employer.public_id}/prevention/suivi/",
                "share_path": reverse("public:shared", args=[token]),
                "sd_jwt": sd_jwt,
                "open_badge": badge,
                "bare": bare,
            }
        )
    )


def followup_employees() -> int:
    return int(os.environ.get("BENCH_FOLLOWUP_EMPLOYEES", 5_000))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1] == "setup":
        setup(int(sys.argv[2]))
