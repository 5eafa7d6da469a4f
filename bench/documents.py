"""Sealed PDF figures: a 2-page A4 CV built with Typst (the renderer in use) and with
WeasyPrint (the alternative), median over N runs, then the PAdES seal (pyHanko), next to
the bare ECDSA P-256 signature of the same bytes measured in the same run (the seal's
cryptographic floor). Each output is checked: PDF/A-3 in its XMP, tagged (StructTreeRoot),
2 pages; the choice is the faster renderer among those that pass.

    BENCH_DOCUMENTS_RUNS=30 python -m bench --only documents --databases sqlite

Rendering does not touch the database: measured once per run, in a process of its own
(test settings: seal generated in memory), whatever --databases says.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_measured: dict | None = None


def run(url, manage, options):
    global _measured
    if _measured is None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
        output = subprocess.run(
            [sys.executable, "-m", "bench.documents"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        _measured = json.loads(output.strip().splitlines()[-1])
        _print(_measured)
    else:
        print("(mesuré une fois : le rendu ne dépend pas de la base de données)")
    return _measured


def _print(m):
    ms = lambda s: f"{s * 1000:8.1f} ms"  # noqa: E731
    print(f"CV A4, {m['entries']} entrées, médiane sur {m['runs']} rendus :")
    for name in ("typst", "weasyprint"):
        r = m[name]
        print(
            f"  {name:<11} {ms(r['median'])}  (p95 {ms(r['p95'])}) — {r['pages']} pages, "
            f"PDF/A-3 : {'oui' if r['pdfa3'] else 'non'}, "
            f"balisé : {'oui' if r['tagged'] else 'non'}"
        )
    print(
        f"  rapport WeasyPrint / Typst : × {m['weasyprint']['median'] / m['typst']['median']:.1f}"
    )
    print(f"  cachet PAdES (pyHanko)     {ms(m['seal']['median'])}")
    print(f"  signature ECDSA P-256 seule {ms(m['bare_sign']['median'])}  (base, même exécution)")
    print(f"  Typst + cachet             {ms(m['build_and_seal']['median'])}  (objectif < 200 ms)")
    print(f"  moteur retenu : {m['chosen']}")


def _stats(samples):
    samples = sorted(samples)
    return {
        "median": statistics.median(samples),
        "p95": samples[max(0, int(len(samples) * 0.95) - 1)],
    }


def _inspect(pdf: bytes) -> dict:
    import io
    import re

    from pyhanko.pdf_utils.reader import PdfFileReader

    root = PdfFileReader(io.BytesIO(pdf), strict=False).root
    xmp = root["/Metadata"].data.decode() if "/Metadata" in root else ""
    part = re.search(r"pdfaid:part(?:>|=\")(\d)", xmp)
    return {
        "pages": int(root["/Pages"]["/Count"]),
        "pdfa3": bool(part and part.group(1) == "3"),
        "tagged": "/StructTreeRoot" in root,
    }


def _data(entries: int) -> dict:
    sections = []
    kinds = [("Expériences professionnelles", "emploi"), ("Diplômes et certifications", "diplome")]
    for heading, kind in kinds:
        sections.append(
            {
                "kind": kind,
                "heading": heading,
                "entries": [
                    {
                        "kind": kind,
                        "title": f"Technicienne de maintenance industrielle {n}",
                        "subtitle": "Société Exemple de Mécanique Générale SAS",
                        "period": "mars 2015 – juin 2018",
                        "details": ["Contrat de travail à durée indéterminée", "35 h"],
                        "guaranteed": n % 3 != 0,
                        "source": "Déclaration sociale nominative de votre employeur",
                        "validity": "",
                    }
                    for n in range(entries // 2)
                ],
            }
        )
    return {
        "kind": "cv",
        "title": "Curriculum vitæ",
        "holder": "Camille Dupont",
        "subtitle": "Technicienne de maintenance",
        "intro": "",
        "summary": "Dix ans de maintenance industrielle, habilitations électriques à jour. " * 3,
        "issued_on": "23 novembre 2026",
        "document_id": "00000000-0000-4000-8000-000000000000",
        "sections": sections,
    }


def _html(data: dict, font_dir: Path) -> str:
    from html import escape

    faces = "".join(
        f"@font-face{{font-family:Marianne;src:url('{(font_dir / f).as_uri()}');"
        f"font-weight:{w};font-style:{s}}}"
        for f, w, s in (
            ("Marianne-Regular.otf", 400, "normal"),
            ("Marianne-Bold.otf", 700, "normal"),
            ("Marianne-Regular_Italic.otf", 400, "italic"),
        )
    )
    parts = [
        f"<!doctype html><html lang=fr><head><meta charset=utf-8><title>{escape(data['title'])}"
        f"</title><style>{faces}@page{{size:A4;margin:1.6cm 1.8cm 2cm}}"
        "body{font-family:Marianne;font-size:10pt}h1{font-size:18pt}h2{font-size:12.5pt;"
        "border-bottom:.6pt solid}h3{font-size:10.5pt;margin:.6em 0 .2em}"
        ".b{border:.8pt solid;padding:1pt 3pt;font-size:7.5pt}.d{border-style:dashed}</style>"
        f"</head><body><h1>{escape(data['title'])}</h1><p>{escape(data['holder'])}</p>"
        f"<p>{escape(data['summary'])}</p>"
    ]
    for section in data["sections"]:
        parts.append(f"<h2>{escape(section['heading'])}</h2>")
        for e in section["entries"]:
            badge = (
                "<span class=b>GARANTI</span>"
                if e["guaranteed"]
                else ("<span class='b d'>DÉCLARÉ</span>")
            )
            parts.append(
                f"<h3>{escape(e['title'])}</h3><p>{badge} {escape(e['subtitle'])} — "
                f"{escape(e['period'])}<br>{escape(' · '.join(e['details']))}<br>"
                f"<small>Source : {escape(e['source'])}</small></p>"
            )
    parts.append("</body></html>")
    return "".join(parts)


def measure() -> dict:
    import django

    django.setup()
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from passeport.documents.fonts import font_dir
    from passeport.documents.render import render_pdf
    from passeport.documents.seal import current_seal, seal_pdf

    runs = int(os.environ.get("BENCH_DOCUMENTS_RUNS", 30))
    entries = int(os.environ.get("BENCH_DOCUMENTS_ENTRIES", 18))
    data = _data(entries)
    url = "https://passeport.example/verifier/00000000-0000-4000-8000-000000000000"
    seal = current_seal()
    render_pdf(data, verification_url=url)  # fonts converted and loaded once
    seal_pdf(render_pdf(data, verification_url=url), reason="bench", seal=seal)

    typst_times, seal_times, total_times, sign_times = [], [], [], []
    pdf = b""
    for n in range(runs):
        data["holder"] = f"Camille Dupont {n}"  # no cache between runs
        started = time.perf_counter()
        pdf = render_pdf(data, verification_url=url)
        built = time.perf_counter()
        sealed = seal_pdf(pdf, reason="bench", seal=seal)
        done = time.perf_counter()
        typst_times.append(built - started)
        seal_times.append(done - built)
        total_times.append(done - started)
        started = time.perf_counter()
        seal.key.sign(sealed, ec.ECDSA(hashes.SHA256()))
        sign_times.append(time.perf_counter() - started)
    typst = {**_stats(typst_times), **_inspect(pdf)}

    import weasyprint

    html = _html(data, font_dir())
    weasy_times = []
    weasy_pdf = b""
    for n in range(max(3, runs // 3)):
        started = time.perf_counter()
        weasy_pdf = weasyprint.HTML(string=html.replace("Camille", f"Camille{n}")).write_pdf(
            pdf_variant="pdf/a-3u", pdf_tags=True
        )
        weasy_times.append(time.perf_counter() - started)
    weasy = {**_stats(weasy_times), **_inspect(weasy_pdf)}
    passing = [
        (r["median"], name)
        for name, r in (("typst", typst), ("weasyprint", weasy))
        if r["pdfa3"] and r["tagged"]
    ]
    return {
        "runs": runs,
        "entries": entries,
        "typst": typst,
        "weasyprint": weasy,
        "seal": _stats(seal_times),
        "bare_sign": _stats(sign_times),
        "build_and_seal": _stats(total_times),
        "chosen": min(passing)[1] if passing else "aucun",
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(measure()))
