"""`make bench`: the figures each issue asks for, with a baseline measured in the same run.

    python -m bench [--holders N] [--databases sqlite,postgresql] [--only NAME,…]

Each database gets a fresh bench database (SQLite file in var/, PostgreSQL database
`passeport_bench` on DATABASE_BENCH_URL or 127.0.0.1:5432). Results are printed and
written to bench/results/<timestamp>.json.
"""

import argparse
import importlib
import json
import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

from bench._env import django_env

ROOT = Path(__file__).resolve().parent.parent
# Every module of this package with a `run(url, manage, options)` is a benchmark.
BENCHMARKS = {
    module.name: importlib.import_module(f"bench.{module.name}").run
    for module in pkgutil.iter_modules([str(Path(__file__).parent)])
    if not module.name.startswith("_")
}
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/passeport_bench"


def database_urls(names):
    urls = {}
    for name in names:
        if name == "sqlite":
            # BENCH_SQLITE_PATH lets two benchmark runs share a machine without sharing a file.
            path = Path(os.environ.get("BENCH_SQLITE_PATH", ROOT / "var" / "bench.sqlite3"))
            path.parent.mkdir(exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            urls["sqlite"] = f"sqlite:///{path}"
        elif name == "postgresql":
            url = os.environ.get("DATABASE_BENCH_URL", DEFAULT_POSTGRES)
            if _recreate_postgres(url):
                urls["postgresql"] = url
    return urls


def _recreate_postgres(url) -> bool:
    import psycopg

    base, name = url.rsplit("/", 1)
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"PostgreSQL indisponible ({error}) : mesures sur PostgreSQL ignorées.")
        return False
    return True


def manage(url, *args) -> float:
    env = django_env(url)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--holders", type=int, default=int(os.environ.get("BENCH_HOLDERS", 100_000))
    )
    parser.add_argument(
        "--databases", default=os.environ.get("BENCH_DATABASES", "sqlite,postgresql")
    )
    parser.add_argument("--only", default=",".join(BENCHMARKS))
    options = parser.parse_args()
    results = {}
    urls = database_urls(options.databases.split(","))
    for name in options.only.split(","):
        for vendor, url in urls.items():
            print(f"\n== {name} — {vendor}")
            results[f"{name}/{vendor}"] = BENCHMARKS[name](url, manage, options)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nRésultats : {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
