"""Reading a stored prevention import file (official layout: `|`-separated UTF-8 CSV,
one header line, one line per trainee; or the same columns in the first sheet of an
XLSX workbook, read by `import_xlsx`) as rows of text, streaming, as often as the import
needs: a scan that checks the whole file before anything is declared, then the lines.
No line is read longer than `import_limits.MAX_LINE_CHARACTERS`."""

import contextlib
import csv
import io
from collections.abc import Iterator

from passeport.core.sizes import number

from . import import_xlsx
from .enums import DeclarationKind
from .import_limits import MAX_LINE_CHARACTERS, FileRejected, Refused, too_long
from .lines import COLUMNS
from .models import PreventionImport

SEPARATOR = "|"
XLSX_MAGIC = b"PK\x03\x04"
_OTHER_SEPARATORS = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}


class BoundedLines:
    """The lines of a text stream, none longer than `MAX_LINE_CHARACTERS`: a longer one
    is read no further than that and skipped to its end, given as a blank line, and its
    number kept in `refused` with the reason. One line of 150 MB costs no more memory
    than a normal one (read whole, it took 3.8 GB through the csv module)."""

    def __init__(self, text, first_number: int = 1):
        self.text = text
        self.number = first_number - 1  # of the line given last
        self.refused: dict[int, str] = {}

    def __iter__(self):
        return self

    def __next__(self) -> str:
        # Room for the content and an end of line ("\r\n"): a line of exactly the
        # limit is whole, and its "\n" is never read apart as a line of its own.
        line = self.text.readline(MAX_LINE_CHARACTERS + 2)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line.rstrip("\r\n")) <= MAX_LINE_CHARACTERS:
            return line
        size = len(line.rstrip("\r\n"))
        while not line.endswith(("\n", "\r")):
            line = self.text.readline(1 << 16)
            if not line:
                break
            size += len(line.rstrip("\r\n"))
        self.refused[self.number] = too_long(size)
        return "\n"


def _csv_error(error: csv.Error, line: int) -> str:
    text = str(error)
    if "NUL" in text:
        return (
            f"Le fichier contient un caractère nul (ligne {line}) : ce n'est pas un fichier "
            "CSV en texte. Enregistrez-le en « CSV UTF-8 »."
        )
    if "field larger than field limit" in text:
        return (
            f"Un champ entre guillemets ne se referme pas (ligne {line}) : vérifiez les "
            "guillemets du fichier."
        )
    return (
        f"Le fichier CSV est illisible à la ligne {line} (guillemets mal placés ?) : "
        "vérifiez-le, ou partez du modèle téléchargeable."
    )


class Source:
    """The stored file, read as rows of text (CSV or XLSX), as often as needed."""

    def __init__(self, imported: PreventionImport):
        self.imported = imported
        self.kind = imported.kind
        self.columns = COLUMNS[imported.kind]

    @contextlib.contextmanager
    def _open(self):
        with self.imported.source.storage.open(self.imported.source.name, "rb") as raw:
            yield raw

    def scan(self) -> int:
        """Checks the whole file (encoding, separator, header) and counts its lines.
        Raises FileRejected."""
        if self.imported.size == 0:
            raise FileRejected("Le fichier est vide.")
        count = 0
        for _number, _values in self.rows(check_only=True):
            count += 1
        if count == 0:
            raise FileRejected(
                "Le fichier ne contient que l'en-tête : aucune ligne de déclaration."
            )
        return count

    def rows(self, *, check_only: bool = False) -> Iterator[tuple[int, list[str] | Refused]]:
        """(line number, values in column order), or a `Refused` line (too long to be
        read); with `check_only`, values are not split (the scan only counts)."""
        if self.imported.file_format == "xlsx":
            yield from import_xlsx.rows(self._open, self.check_header, len(self.columns))
        else:
            yield from self._csv_rows(check_only)

    def _csv_rows(self, check_only: bool) -> Iterator[tuple[int, list[str] | Refused]]:
        with self._open() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
            lines = BoundedLines(text)
            try:
                header = next(lines, "")
                if lines.refused:
                    raise FileRejected(
                        f"L'en-tête dépasse {number(MAX_LINE_CHARACTERS)} caractères : ce "
                        "n'est pas l'en-tête d'un fichier de déclarations."
                    )
                self.check_header(_split_header(header))
                if check_only:
                    # The scan checks the encoding of every byte and counts non-blank lines
                    # without the csv module's cost.
                    for line in lines:
                        if line.strip() or lines.number in lines.refused:
                            yield lines.number, []
                    return
                reader = csv.reader(lines, delimiter=SEPARATOR)
                for values in reader:
                    line_number = reader.line_num + 1  # the header was read before
                    if not values:  # a blank line, or one too long (read as blank)
                        reason = lines.refused.pop(line_number, None)
                        if reason:
                            yield line_number, Refused(reason)
                        continue
                    if len(values) == 1 and not values[0].strip():
                        continue
                    yield line_number, values
            except UnicodeDecodeError as error:
                raise FileRejected(
                    f"Le fichier n'est pas encodé en UTF-8 (octet invalide vers la ligne "
                    f"{lines.number + 1}). Enregistrez-le en « CSV UTF-8 » et déposez-le à "
                    "nouveau."
                ) from error
            except csv.Error as error:
                raise FileRejected(_csv_error(error, lines.number)) from error

    def check_header(self, header: list[str]) -> None:
        names = [name.strip().upper() for name in header]
        while names and not names[-1]:
            names.pop()
        expected = list(self.columns)
        if names == expected:
            return
        if not names:
            raise FileRejected("Le fichier est vide : la première ligne doit être l'en-tête.")
        label = DeclarationKind(self.kind).label.lower()
        if len(names) == 1:
            for separator, separator_name in _OTHER_SEPARATORS.items():
                if separator in header[0]:
                    raise FileRejected(
                        f"Mauvais séparateur : les colonnes sont séparées par un "
                        f"{separator_name} (« {separator} ») au lieu d'une barre verticale "
                        "(« | »)."
                    )
        for other, columns in COLUMNS.items():
            if other != self.kind and names == list(columns):
                raise FileRejected(
                    f"Ce fichier suit le modèle {other}, pas {self.kind} ({label}) : "
                    f"choisissez le type {other} ou déposez un fichier {self.kind}."
                )
        missing = [c for c in expected if c not in names]
        extra = [c for c in names if c not in expected]
        details = []
        if missing:
            details.append(f"colonnes manquantes : {', '.join(missing)}")
        if extra:
            details.append(f"colonnes inconnues : {', '.join(n or '(vide)' for n in extra)}")
        if not details:
            details.append("les colonnes ne sont pas dans l'ordre officiel")
        raise FileRejected(
            f"En-tête incorrect pour un fichier {self.kind} ({len(expected)} colonnes "
            f"attendues, {len(names)} reçues) : {' ; '.join(details)}. Partez du modèle "
            "téléchargeable."
        )


def _split_header(line: str) -> list[str]:
    return next(csv.reader([line.rstrip("\r\n")], delimiter=SEPARATOR), [])
