"""The portal's pages over HTTP: wrk against gunicorn (2 workers, `--preload`, the
embedded default's settings without DEBUG), for a visitor who is not logged in:

- a published page served from the cache (`/portail/titulaires/`);
- the same page rendered by Wagtail at every request (a query string bypasses the cache):
  what the cache saves;
- the HTTP floor of the same workers (`/healthz`: Django's middleware and one query);
- a search (`/portail/recherche/?q=sécurité`).

All measured in the same run, on the same server. `BENCH_PORTAL_SECONDS` (10) sets each
wrk run's length, `BENCH_PORTAL_CONNECTIONS` (8) its connections."""

import os
import urllib.request
from pathlib import Path

from bench import _wrk
from bench._env import django_env

ROOT = Path(__file__).resolve().parent.parent
PATHS = {
    "page_cached": "/portail/titulaires/",
    "page_rendered": "/portail/titulaires/?sans-cache=1",
    "healthz": "/healthz",
    "search": "/portail/recherche/?q=s%C3%A9curit%C3%A9",
}
LABELS = {
    "page_cached": "page du portail, en cache",
    "page_rendered": "même page rendue à chaque requête (sans cache)",
    "healthz": "plancher HTTP (GET /healthz, mêmes workers)",
    "search": "recherche « sécurité »",
}


def run(url, manage, options):
    if not _wrk.available():
        print("wrk absent (apt-get install wrk) : banc du portail ignoré.")
        return {}
    manage(url, "migrate", "--noinput")
    manage(url, "setup_portal")
    seconds = int(os.environ.get("BENCH_PORTAL_SECONDS", 10))
    connections = int(os.environ.get("BENCH_PORTAL_CONNECTIONS", 8))
    results = {}
    with _wrk.serve(django_env(url, DJANGO_ALLOWED_HOSTS="127.0.0.1")) as base:
        for name, path in PATHS.items():
            for _ in range(20):  # each worker renders and caches the page once
                urllib.request.urlopen(base + path, timeout=180).read()
            results[name] = _wrk.load(base + path, connections=connections, seconds=seconds)
            if results[name]["errors"]:
                raise RuntimeError(f"{path} : {results[name]['errors']} réponses en erreur")
    for name, figures in results.items():
        print(
            f"{LABELS[name]} : {figures['per_s']:,.0f} requêtes/s, médiane "
            f"{figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms"
        )
    cached, rendered = results["page_cached"], results["page_rendered"]
    print(
        f"le cache : {cached['per_s'] / rendered['per_s']:.1f} × plus de pages servies ; "
        f"{cached['per_s'] / results['healthz']['per_s']:.2f} × le plancher HTTP"
    )
    return results
