"""Prevention figures: lines per second for a large ADF file (BENCH_PREVENTION_LINES,
default 100,000: validation, matching, storing) next to a bare bulk load of the same
resulting rows (prevention records and declaration lines) in the same run, and the peak
memory (RSS) of the import for two file sizes, to show it stays flat.

Also printed: the import process's own CPU time (from `wait4`), the Python share of the
work, which a shared machine distorts less than the elapsed time. The rest is
PostgreSQL's (or SQLite's) work: the index insertions of `records_preventiontraining`,
`prevention_declarationline` and `journal_journalentry`, and the deferred foreign-key
checks at each batch's commit, which the second baseline (the same rows COPYed into
copies keeping the tables' indexes and constraints) measures."""

import os
import subprocess
import sys
import time
from pathlib import Path

from bench import _bare
from bench._env import django_env, own_database

ROOT = Path(__file__).resolve().parent.parent


def _provider_siret(url) -> str:
    code = (
        "from passeport.organisations.models import Organisation as O;"
        "print(O.objects.filter(is_training_provider=True).order_by('pk')"
        ".values_list('siret', flat=True).first())"
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=django_env(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return output.strip().splitlines()[-1]


def run(url, manage, options):
    url = own_database(url, "prevention")
    lines = int(os.environ.get("BENCH_PREVENTION_LINES", 100_000))
    holders = int(os.environ.get("BENCH_PREVENTION_HOLDERS", min(options.holders, 20_000)))
    small = max(1, lines // 4)
    manage(url, "migrate", "--noinput")
    manage(url, "load_referentials", "--no-progress")
    manage(url, "seed_demo", "--holders", str(holders), "--seed", "1")
    siret = _provider_siret(url)
    results = {"lines": lines, "holders": holders}
    for label, count, seed in (("petit", small, 2), ("grand", lines, 1)):
        results.update(_measured_import(url, manage, siret, label, count, seed))
    large = _file(results, "grand").name
    rows, bare, with_schema = _bare.measure(
        url,
        [
            ("records_preventiontraining", "source_reference LIKE %s", [f"fichier {large}%"]),
            (
                "prevention_declarationline",
                "source_import_id IN (SELECT id FROM prevention_preventionimport "
                "WHERE file_name = %s)",
                [large],
            ),
        ],
    )
    ratio = results["grand_s"] / bare if bare else float("nan")
    print(
        f"chargement brut des {rows:,} lignes produites (entrées du passeport + lignes de "
        f"déclaration) : {bare:.1f} s — import = {ratio:.1f} × le chargement brut ; mémoire "
        f"max petit / grand fichier : {results['petit_peak_rss_mb']} / "
        f"{results['grand_peak_rss_mb']} Mo"
    )
    results.update(bare_rows=rows, bare_load_s=round(bare, 2), ratio_to_bare=round(ratio, 2))
    results.update(_bare.with_schema(results["grand_s"], with_schema))
    # Optional (a few minutes): a file the size of the official limit, for its memory. An
    # ADF line is about 250 bytes: 820,000 lines make 200 MB.
    huge = int(os.environ.get("BENCH_PREVENTION_MEMORY_LINES", 0))
    if huge:
        results.update(_measured_import(url, manage, siret, "maximal", huge, 3))
    return results


def _file(results, label) -> Path:
    return ROOT / "var" / f"bench-prevention-{label}-{results[f'{label}_lines']}.csv"


def _measured_import(url, manage, siret, label, count, seed) -> dict:
    """Generates a file of `count` lines, imports it in its own process and deletes it."""
    results = {f"{label}_lines": count}
    path = _file(results, label)
    path.parent.mkdir(exist_ok=True)
    manage(
        url, "generate_prevention", str(path), "--kind", "adf", "--lines", str(count),
        "--declarant", siret, "--seed", str(seed),
    )  # fmt: skip
    seconds, rss_mb, cpu = _import(url, path, siret)
    size_mb = path.stat().st_size / 1_048_576
    rate = count / seconds
    print(
        f"import_prevention {count:,} lignes ADF ({size_mb:.0f} Mo) : {seconds:.1f} s, "
        f"{rate:,.0f} lignes/s, mémoire max {rss_mb:.0f} Mo, CPU du processus "
        f"{cpu:.1f} s ({count / cpu:,.0f} lignes/s de CPU Python)"
    )
    results[f"{label}_cpu_s"] = round(cpu, 2)
    results[f"{label}_file_mb"] = round(size_mb, 1)
    results[f"{label}_s"] = round(seconds, 2)
    results[f"{label}_lines_per_s"] = round(rate)
    results[f"{label}_peak_rss_mb"] = round(rss_mb)
    path.unlink()
    return results


def _import(url, path, siret):
    """Runs the command in its own process; its peak RSS and CPU time come from wait4
    (that child's own rusage, start-up included)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "import_prevention",
            str(path),
            "--kind",
            "adf",
            "--declarant",
            siret,
            "--no-progress",
        ],
        cwd=ROOT,
        env=django_env(url),
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("import_prevention a échoué")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
