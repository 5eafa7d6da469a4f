"""Credit order lines and bank statements from files: CSV (UTF-8, « ; » separated) or
XLSX (read within bounds by the prevention importer's reader). Sizes are bounded before
anything is parsed; every refused line is named in French; the rejected lines come back
as a corrected file the funder can fix and send again."""

import csv
import io
from contextlib import contextmanager

from passeport.core.digits import ascii_digits
from passeport.core.sizes import file_size
from passeport.prevention.import_limits import FileRejected, Refused

from .orders import LineInput, Rejection

MAX_BYTES = 20 * 1024 * 1024  # 200,000 lines of about 60 characters, with room
MAX_LINE_CHARACTERS = 1024
LINE_COLUMNS = ("nir", "nom_naissance", "montant_centimes")
STATEMENT_COLUMNS = ("date", "libelle", "montant")
TEMPLATE = "nir;nom_naissance;montant_centimes\n1850775123456;Dupont;300000\n"


def _bounded(raw: bytes) -> None:
    if len(raw) > MAX_BYTES:
        raise FileRejected(
            f"Le fichier pèse {file_size(len(raw))}, au-delà de la limite de "
            f"{file_size(MAX_BYTES)}. Découpez-le en plusieurs commandes."
        )
    if not raw.strip():
        raise FileRejected("Le fichier est vide.")


def _header_check(expected):
    def check(header: list[str]) -> None:
        names = [str(h or "").strip().lower() for h in header[: len(expected)]]
        if tuple(names) != expected:
            raise FileRejected(
                "La première ligne doit nommer les colonnes : " + ";".join(expected) + "."
            )

    return check


def _csv_rows(raw: bytes, expected):
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejected(
            f"Le fichier n'est pas en UTF-8 (octet illisible à la position {error.start})."
        ) from error
    lines = text.splitlines()
    _header_check(expected)(lines[0].split(";"))
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARACTERS:
            yield number, Refused(f"ligne de plus de {MAX_LINE_CHARACTERS} caractères, non lue")
            continue
        yield number, next(csv.reader([line], delimiter=";"))


def _xlsx_rows(raw: bytes, expected):
    from passeport.prevention import import_xlsx

    @contextmanager
    def source():
        yield io.BytesIO(raw)

    yield from import_xlsx.rows(source, _header_check(expected), len(expected))


def rows(raw: bytes, filename: str, expected):
    """(line number, values or Refused) of a CSV or XLSX file; raises FileRejected."""
    _bounded(raw)
    if filename.lower().endswith(".xlsx") or raw[:2] == b"PK":
        return _xlsx_rows(raw, expected)
    return _csv_rows(raw, expected)


def read_lines(raw: bytes, filename: str) -> tuple[list[LineInput], list[Rejection]]:
    """The order's lines, and the lines refused before matching (shape)."""
    lines, rejected = [], []
    for number, values in rows(raw, filename, LINE_COLUMNS):
        if isinstance(values, Refused):
            rejected.append(Rejection(number, "ligne", values.reason, ("", "", "")))
            continue
        values = [str(v if v is not None else "").strip() for v in values]
        values += [""] * (3 - len(values))
        nir, name, amount = values[:3]
        if len(values) > 3 and any(values[3:]):
            rejected.append(Rejection(number, "ligne", "plus de 3 colonnes", (nir, name, amount)))
            continue
        if amount.endswith(".0") and ascii_digits(amount[:-2]):  # an XLSX number
            amount = amount[:-2]
        lines.append(LineInput(number, nir, name, amount))
    return lines, rejected


def corrected_file(rejected: list[Rejection]) -> bytes:
    """The rejected lines in the import's own columns, with the reason in a last column
    (to be removed before sending the file again). The NIR is the funder's own data."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow([*LINE_COLUMNS, "erreur"])
    for rejection in rejected:
        writer.writerow([*rejection.values, rejection.text()])
    return out.getvalue().encode("utf-8")
