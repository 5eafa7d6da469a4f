"""Hostile files, measured: the peak memory (RSS) and the time of the real commands
(`import_prevention`, `ingest_dsn`) on the shapes the fuzzers found, each next to the same
command on a small file in the same run (the floor: interpreter, Django, the import's own
start), so that what a hostile file adds is what is printed.

Shapes (sizes as found by the independent pass; `BENCH_HOSTILE_SCALE` divides them):
- a CSV of one header and one 150 MB line (it peaked at 3.8 GB);
- an XLSX of 60 million empty rows, 3.8 MB compressed (8 minutes at 6 GB): the time
  to its refusal is printed from the import's own clock as well (the process's elapsed
  time includes Python's and Django's start); and the same shape within the bounds (one
  more row than a sheet may have, compressed as a real sheet is: read to its limit);
- a CSV of 830,000 wrong lines (830,000 rejections stored): stopped, "trop d'erreurs";
- a DSN file of one 300 MB line (1 GB), and a DSN of a million broken lines.

    python -m bench --only hostile --databases sqlite
"""

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from bench._env import django_env, own_database

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-hostile"
ADF_HEADER = (
    b"ID_DECLARATION|REFERENCE_DECLARATION|ID_UNIQUE_PARTENAIRE|NOM_FORMATION|"
    b"DATE_DEBUT_FORMATION|DATE_FIN_FORMATION|MODALITE_DISPENSE|COMPETENCE_TRANSFERABLE|"
    b"QUALIFICATION_FORMATEUR|FORMATION_CERTIFIANTE|CERTIFICATION_VISEE|DOMAINE_FORMATION|"
    b"SPECIALITE_FORMATION|NIR|NOM_TITULAIRE|PRESENCE_EMPLOYEUR|SIRET_EMPLOYEUR|"
    b"REFERENCE_EMPLOYEUR|DATE_DEBUT_VALIDITE|DATE_FIN_VALIDITE\r\n"
)
SIRET = "73282932000074"  # the bench's declarant (a valid SIRET)
MB = 1024 * 1024


def run(url, manage, options):
    scale = max(1, int(os.environ.get("BENCH_HOSTILE_SCALE", 1)))
    url = own_database(url, "hostile")
    manage(url, "migrate", "--noinput")
    _python(
        url,
        "from passeport.organisations.models import Organisation as O;"
        f"O.objects.get_or_create(siret='{SIRET}', defaults=dict(name='Banc',"
        " is_employer=False, is_training_provider=True, nda_number='11755555575'))",
    )
    WORK.mkdir(parents=True, exist_ok=True)
    # Written by a process of their own: a child inherits its parent's peak RSS on Linux
    # (wait4 would report the generator's memory, not the command's).
    subprocess.run(
        [sys.executable, "-c", f"from bench.hostile import _files; _files({scale})"],
        cwd=ROOT,
        check=True,
    )
    files = _files(scale, write=False)
    results = {"scale": scale}
    floor = {}
    for name, (command, path) in files.items():
        seconds, rss, code = _measure(url, command, path)
        extra = ""
        if command == "import_prevention":
            refused_in = _last_import_seconds(url)
            results[f"{name}_import_s"] = refused_in
            extra = f", dont {refused_in:.2f} s de traitement (horloge de l'import)"
        floor.setdefault(command, rss)  # the first file of each command is its floor
        added = rss - floor[command]
        size = path.stat().st_size / MB
        print(
            f"{name} ({size:,.1f} Mo) : {command} en {seconds:.1f} s{extra}, "
            f"mémoire max {rss:.0f} Mo ({added:+.0f} Mo sur le plancher de la commande), "
            f"code de sortie {code}"
        )
        results[f"{name}_file_mb"] = round(size, 1)
        results[f"{name}_s"] = round(seconds, 2)
        results[f"{name}_peak_rss_mb"] = round(rss)
        results[f"{name}_exit_code"] = code
    for path in WORK.iterdir():
        path.unlink()
    return results


def _files(scale: int, *, write: bool = True) -> dict:
    """Name → (command, path); the first of each command is its small baseline. The
    files are written unless `write` is false."""
    files = {
        "csv_plancher": ("import_prevention", WORK / "plancher.csv"),
        "csv_une_ligne_150_mo": ("import_prevention", WORK / "une-ligne-150-mo.csv"),
        "csv_830000_lignes_fausses": ("import_prevention", WORK / "830000-lignes-fausses.csv"),
        "xlsx_bombe": ("import_prevention", WORK / "bombe-60-millions-de-lignes.xlsx"),
        "xlsx_1048577_lignes_vides": ("import_prevention", WORK / "1048577-lignes.xlsx"),
        "dsn_plancher": ("ingest_dsn", WORK / "plancher.dsn"),
        "dsn_une_ligne_300_mo": ("ingest_dsn", WORK / "une-ligne-300-mo.dsn"),
        "dsn_un_million_de_lignes_cassees": ("ingest_dsn", WORK / "un-million-de-lignes.dsn"),
    }
    if not write:
        return files
    WORK.mkdir(parents=True, exist_ok=True)
    path = {name: item[1] for name, item in files.items()}
    csv_small = path["csv_plancher"]
    csv_small.write_bytes(ADF_HEADER + b"x|y\r\n" * 10)
    csv_line = path["csv_une_ligne_150_mo"]
    with csv_line.open("wb") as out:
        out.write(ADF_HEADER + b"DECL-1|")
        for _ in range(150 // scale):
            out.write(b"x" * MB)
        out.write(b"\r\n")
    csv_flood = path["csv_830000_lignes_fausses"]
    with csv_flood.open("wb") as out:
        out.write(ADF_HEADER)
        out.write(
            b"D|R|P|T|01/01/2026|01/01/2026||A/B/C||NON||1|1|1|X|NON|||x|\r\n" * (830_000 // scale)
        )
    path["xlsx_bombe"].write_bytes(_xlsx_bomb(60_000_000 // scale, numbered=False))
    path["xlsx_1048577_lignes_vides"].write_bytes(_xlsx_bomb(1_048_577 // scale))
    dsn_small = path["dsn_plancher"]
    dsn_small.write_bytes(
        (ROOT / "tests" / "ingest" / "dsn" / "fixtures" / "mensuelle_2025-01.dsn").read_bytes()
    )
    dsn_line = path["dsn_une_ligne_300_mo"]
    with dsn_line.open("wb") as out:
        out.write(b"S10.G00.00.001,'")
        for _ in range(300 // scale):
            out.write(b"A" * MB)
        out.write(b"'\n")
    dsn_flood = path["dsn_un_million_de_lignes_cassees"]
    with dsn_flood.open("wb") as out:
        out.write(b"n'importe quoi\n" * (1_000_000 // scale))
    return files


def _xlsx_bomb(rows: int, *, numbered: bool = True) -> bytes:
    """A real workbook (openpyxl) whose sheet is the official header, then `rows` empty
    rows: the fuzzer's shape. Numbered rows (`<row r="…"/>`) compress about 8 times,
    unnumbered ones a thousand."""
    import openpyxl

    base = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(ADF_HEADER.decode().strip().split("|"))
    workbook.save(base)
    out = io.BytesIO()
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != sheet:
                target.writestr(item.filename, source.read(item.filename), zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo(sheet)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as part:
            part.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row r="1">'
                + b"".join(
                    b'<c t="inlineStr"><is><t>%s</t></is></c>' % name
                    for name in ADF_HEADER.strip().split(b"|")
                )
                + b"</row>"
            )
            for start in range(2, rows + 2, 1_000_000):
                stop = min(start + 1_000_000, rows + 2)
                if numbered:
                    part.write(b"".join(b'<row r="%d"/>' % n for n in range(start, stop)))
                else:
                    part.write(b"<row/>" * (stop - start))
            part.write(b"</sheetData></worksheet>")
    return out.getvalue()


def _measure(url, command, path) -> tuple[float, float, int]:
    """The command in its own process: elapsed time, peak RSS (Mo) from wait4, exit code."""
    args = [sys.executable, "manage.py", command, str(path), "--no-progress"]
    if command == "import_prevention":
        args += ["--kind", "adf", "--declarant", SIRET]
    started = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=ROOT, env=django_env(url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def _last_import_seconds(url) -> float:
    output = _python(
        url,
        "from passeport.prevention.models import PreventionImport as P;"
        "i = P.objects.latest('pk');"
        "print((i.finished_at - (i.started_at or i.created_at)).total_seconds())",
    )
    return float(output.strip().splitlines()[-1])


def _python(url, code: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=django_env(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
