"""Accrochage figures: passages per second for a large file (BENCH_ACCROCHAGE_PASSAGES,
default 200,000) next to a bare bulk load of the same resulting certification rows, and
the peak memory (RSS) of the ingest for two file sizes, to show it stays flat."""

import os
import subprocess
import sys
import time
from pathlib import Path

from bench import _bare
from bench._env import django_env

ROOT = Path(__file__).resolve().parent.parent


def own_database(url: str) -> str:
    """This benchmark's own database next to the one `bench/__main__.py` hands out (shared
    with the other benchmarks and other runs): a fresh SQLite file or PostgreSQL database."""
    if url.startswith("sqlite:///"):
        path = ROOT / "var" / "bench-accrochage.sqlite3"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    base, name = url.rsplit("/", 1)
    name = f"{name}_accrochage"
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def run(url, manage, options):
    url = own_database(url)
    passages = int(os.environ.get("BENCH_ACCROCHAGE_PASSAGES", 200_000))
    holders = int(os.environ.get("BENCH_ACCROCHAGE_HOLDERS", min(options.holders, 20_000)))
    small = max(1, passages // 4)
    manage(url, "migrate", "--noinput")
    manage(url, "load_referentials", "--no-progress")
    manage(url, "seed_demo", "--holders", str(holders), "--seed", "1")
    var = ROOT / "var"
    files = {}
    for label, count, seed in (("petit", small, 2), ("grand", passages, 1)):
        path = var / f"bench-accrochage-{count}.xml"
        manage(
            url, "generate_accrochage", "--passages", str(count), "--output", str(path),
            "--from-database", "--seed", str(seed),
        )  # fmt: skip
        files[label] = (path, count)
    results = {"passages": passages, "holders": holders}
    for label, (path, count) in files.items():
        seconds, rss_mb = _ingest(url, path)
        size_mb = path.stat().st_size / 1_048_576
        rate = count / seconds
        print(
            f"ingest_accrochage {count:,} passages ({size_mb:.0f} Mo) : {seconds:.1f} s, "
            f"{rate:,.0f} passages/s, mémoire max {rss_mb:.0f} Mo"
        )
        results[f"{label}_passages"] = count
        results[f"{label}_file_mb"] = round(size_mb, 1)
        results[f"{label}_s"] = round(seconds, 2)
        results[f"{label}_passages_per_s"] = round(rate)
        results[f"{label}_peak_rss_mb"] = round(rss_mb)
        path.unlink()
    # Only the large file's rows (its idTechnique are GEN1-…, the small file's GEN2-…).
    rows, bare, with_schema = _bare.measure(
        url,
        [("records_certification", "source_reference LIKE %s", ["%idTechnique GEN1-%"])],
    )
    ratio = results["grand_s"] / bare if bare else float("nan")
    print(
        f"chargement brut des {rows:,} certifications produites : {bare:.1f} s — "
        f"ingest = {ratio:.1f} × le chargement brut ; mémoire max petit / grand fichier : "
        f"{results['petit_peak_rss_mb']} / {results['grand_peak_rss_mb']} Mo"
    )
    results.update(bare_rows=rows, bare_load_s=round(bare, 2), ratio_to_bare=round(ratio, 2))
    results.update(_bare.with_schema(results["grand_s"], with_schema))
    return results


def _ingest(url, path):
    """Runs the command in its own process; its peak RSS comes from wait4 (that child's
    own rusage, not the cumulated children's)."""
    env = django_env(url)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "ingest_accrochage", str(path), "--no-progress"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("ingest_accrochage a échoué")
    return seconds, usage.ru_maxrss / 1024
