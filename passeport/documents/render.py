"""PDF/A-3 rendering with Typst, compiled in-process.

Chosen over WeasyPrint by measurement (`bench/documents.py`: a 2-page CV in about 10 ms
with Typst, about 0.2–0.5 s with WeasyPrint on these machines), and because Typst writes
what the seal needs: PDF/A-3a (associated files with their AFRelationship) and PDF/UA-1
(a tagged PDF: structure tree, reading order, alternative text, document language).

The layout is one Typst file (`typst/document.typ`); everything variable reaches it as
JSON (`data.json`) read by Typst itself, so holder-entered text is displayed as text and
never evaluated as Typst markup. The QR code is segno's SVG (vector, not an image).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
import tempfile
import threading
from pathlib import Path

import segno
import typst

from .fonts import font_dir

TEMPLATE = Path(__file__).parent / "typst" / "document.typ"
PDF_STANDARDS = ["a-3a", "ua-1"]


@dataclasses.dataclass(frozen=True)
class Attachment:
    """A file embedded in the PDF as a PDF/A-3 associated file."""

    filename: str
    media_type: str
    content: bytes
    description: str
    relationship: str = "data"  # AFRelationship: the file is the data the page shows


class RenderError(RuntimeError):
    pass


_lock = threading.Lock()
_compiler: typst.Compiler | None = None


def _get_compiler() -> typst.Compiler:
    """One compiler per process: it keeps the parsed fonts between documents."""
    global _compiler
    if _compiler is None:
        _compiler = typst.Compiler(font_paths=[str(font_dir())], ignore_system_fonts=True)
    return _compiler


def qr_svg(url: str) -> str:
    qr = segno.make(url, error="m")
    return qr.svg_inline(scale=1, border=2, dark="#000000", light="#ffffff", omitsize=False)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    return _UNSAFE.sub("-", name).strip("-.")[:120] or "piece-jointe"


def render_pdf(
    data: dict,
    *,
    verification_url: str,
    attachments: list[Attachment] | tuple[Attachment, ...] = (),
    issued_at: datetime.datetime | None = None,
    template: Path = TEMPLATE,
) -> bytes:
    """A PDF/A-3a, PDF/UA-1 document from `data` (see typst/document.typ for its keys),
    with a QR code to `verification_url` and `attachments` embedded. `template`: another
    layout reading the same `data.json` (the catalogue's invoice)."""
    with tempfile.TemporaryDirectory(prefix="passeport-doc-") as work:
        root = Path(work)
        (root / "files").mkdir()
        listed, seen = [], set()
        for attachment in attachments:
            name = safe_filename(attachment.filename)
            while name in seen:
                name = f"1-{name}"
            seen.add(name)
            (root / "files" / name).write_bytes(attachment.content)
            listed.append(
                {
                    "path": f"files/{name}",
                    "name": name,
                    "mime": attachment.media_type,
                    "description": attachment.description,
                    "relationship": attachment.relationship,
                }
            )
        payload = {**data, "verification_url": verification_url, "attachments": listed}
        (root / "data.json").write_text(json.dumps(payload, ensure_ascii=False))
        (root / "qr.svg").write_text(qr_svg(verification_url))
        (root / "document.typ").write_bytes(template.read_bytes())
        with _lock:  # one compilation at a time per process (the compiler is shared)
            try:
                return _get_compiler().compile(
                    input=str(root / "document.typ"),
                    root=str(root),
                    pdf_standards=PDF_STANDARDS,
                    timestamp=issued_at.replace(microsecond=0) if issued_at else None,
                )
            except typst.TypstError as error:
                raise RenderError(f"Mise en page impossible : {error.message}") from error
