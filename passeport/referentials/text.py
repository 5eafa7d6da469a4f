"""Text normalisation shared by every search of the project.

`normalize` gives the form stored in the `search_text` columns and applied to queries,
so that a plain `LIKE '%word%'` is accent-, case- and punctuation-insensitive on both
SQLite and PostgreSQL without any database extension.
"""

import re
import unicodedata

# Ligatures are letters of their own for Unicode (NFKD leaves them alone), but people
# type them as two letters: "oeuvre", "ex aequo".
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[\W_]+")


def normalize(value):
    """Lowercase, strip accents, fold punctuation and spaces to single spaces."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(value).translate(_LIGATURES))
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub(" ", without_accents.lower()).strip()


def clean_spaces(value):
    """Collapse runs of whitespace (line breaks of multi-line titles, NBSP) to one space."""
    return " ".join((value or "").split())
