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
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

from bench._gunicorn import serving

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
    if shutil.which("wrk") is None:
        print("wrk absent (apt-get install wrk) : banc du portail ignoré.")
        return {}
    manage(url, "migrate", "--noinput")
    manage(url, "setup_portal")
    seconds = int(os.environ.get("BENCH_PORTAL_SECONDS", 10))
    connections = int(os.environ.get("BENCH_PORTAL_CONNECTIONS", 8))
    results = {}
    with serving(url, DJANGO_ALLOWED_HOSTS="127.0.0.1") as port:
        base = f"http://127.0.0.1:{port}"
        for name, path in PATHS.items():
            for _ in range(20):  # each worker renders and caches the page once
                urllib.request.urlopen(base + path, timeout=180).read()
            results[name] = _wrk(base + path, seconds, connections)
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


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(url, seconds, connections) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    per_s = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {
        percent: float(value) * _UNITS[unit]
        for percent, value, unit in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)\b", output)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url} : {errors.group(1)} réponses en erreur")
    return {"per_s": per_s, "p50_ms": latency["50"], "p99_ms": latency["99"]}
