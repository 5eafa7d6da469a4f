"""The fonts PDFs are set in: Marianne, the State's typeface, taken from django-dsfr's
static files (the same the web pages use), so that the output never depends on the
fonts installed on the machine.

django-dsfr ships WOFF2 only, which Typst does not read: the files are converted once to
OpenType with fontTools (a few milliseconds each) into DOCUMENTS_FONT_DIR. Marianne's
licence reserves it to the State's services; the converted files are a cache, not
redistributed in this repository.
"""

import os
import tempfile
import threading
from pathlib import Path

import dsfr
from django.conf import settings
from fontTools.ttLib import TTFont

FAMILY = "Marianne"
STYLES = ("Regular", "Regular_Italic", "Bold", "Bold_Italic", "Medium")
SOURCE_DIR = Path(dsfr.__file__).parent / "static" / "dsfr" / "dist" / "fonts"

_lock = threading.Lock()


def font_dir() -> Path:
    """The folder of OpenType Marianne files, converted on first use (idempotent; files
    appear atomically, so concurrent processes never read half a font)."""
    target = Path(settings.DOCUMENTS_FONT_DIR)
    with _lock:
        target.mkdir(parents=True, exist_ok=True)
        for style in STYLES:
            out = target / f"{FAMILY}-{style}.otf"
            if out.exists():
                continue
            font = TTFont(SOURCE_DIR / f"{FAMILY}-{style}.woff2")
            font.flavor = None
            fd, tmp = tempfile.mkstemp(dir=target, suffix=".tmp")
            os.close(fd)
            font.save(tmp)
            os.replace(tmp, out)
    return target
