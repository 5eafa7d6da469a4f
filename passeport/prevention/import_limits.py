"""The limits of a prevention import file, and how a refusal is said. Each bounds the
memory or the time a hostile file can cost (a line of 150 MB, a workbook of 60 million
empty rows, a file whose every line is wrong) while leaving room for every file the
official layout allows. The README lists them for declarants."""

from typing import NamedTuple

from django.conf import settings

from passeport.core.sizes import file_size, number

# The official limit of a file, CSV or XLSX.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# The longest line the layout allows: every column at its longest (about 4 000 characters
# for a JDR), with room. A longer line is refused before it is read whole.
MAX_LINE_CHARACTERS = 8192
# Reading stops (the lines accepted so far are kept) once this many lines are rejected,
# or once at least `BROKEN_AFTER` are and they are more than half of the lines read: a
# file that broken is to be corrected and sent again, not stored rejection by rejection.
MAX_REJECTED_LINES = 50_000
BROKEN_AFTER = 1_000


def max_bytes() -> int:
    return getattr(settings, "PREVENTION_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_rejected_lines() -> int:
    return getattr(settings, "PREVENTION_IMPORT_MAX_REJECTED_LINES", MAX_REJECTED_LINES)


def broken_after() -> int:
    return getattr(settings, "PREVENTION_IMPORT_BROKEN_AFTER", BROKEN_AFTER)


def too_many_errors(rejected: int, read: int) -> bool:
    return rejected >= max_rejected_lines() or (rejected >= broken_after() and 2 * rejected > read)


def too_many_errors_message(rejected: int, read: int, total: int) -> str:
    return (
        "Trop d'erreurs : corrigez le fichier et renvoyez-le. La lecture s'est arrêtée après "
        f"{number(read)} ligne(s) sur {number(total)}, dont {number(rejected)} rejetée(s) ; "
        "les lignes acceptées sont enregistrées et ne seront pas déclarées deux fois."
    )


def too_large_message(size: int) -> str:
    return (
        f"Le fichier pèse {file_size(size)}, au-delà de la limite de "
        f"{file_size(max_bytes())}. Découpez-le en plusieurs fichiers."
    )


class FileRejected(Exception):
    """The whole file is refused, with one French message; nothing of it is declared
    (or, past the scan, nothing more)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Refused(NamedTuple):
    """A line refused before it was read into values, with the reason."""

    reason: str


def too_long(size: int) -> str:
    return (
        f"Ligne de {number(size)} caractères : une ligne de déclaration en compte au plus "
        f"{number(MAX_LINE_CHARACTERS)}. Elle n'a pas été lue."
    )
