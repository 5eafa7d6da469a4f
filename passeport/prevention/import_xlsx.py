"""The first sheet of an XLSX workbook as rows of text, bounded before anything is
parsed and while it is read:

- the archive: at most `MAX_PARTS` parts, each at most `MAX_PART_BYTES` once
  uncompressed (the shared strings, which openpyxl keeps in memory, at most
  `MAX_SHARED_STRINGS_BYTES`), none compressed more than `MAX_RATIO` times (a 3.8 MB
  workbook of 60 million empty rows is 900 MB of XML: refused from the archive's
  directory, without decompressing a byte);
- the workbook's own parts (manifest, shared strings, workbook, styles) are read by
  openpyxl, whose `load_workbook` is not called: in read-only mode it parses every sheet
  once for its size when the sheet declares none (the whole sheet, row by row, with
  nothing bounding it) before a row can be read;
- the sheet is streamed here (lxml, no DTD: a DOCTYPE is refused, no entity resolved),
  each element cleared once read (openpyxl's reader keeps every row it has read,
  emptied, in its tree, and every row's attributes in a dict: +100 MB for a million
  rows), its cells typed by openpyxl's own `WorkSheetParser.parse_cell` (shared
  strings, dates by number format, booleans): rows at most `MAX_ROWS` (counted, and
  numbered: a row numbered a billion is refused, not padded), cells in a row at most
  `MAX_CELLS_IN_ROW` (counted as they start), values built only for the official
  columns, a row longer than a line may be refused as a line;
- whatever openpyxl, zipfile, zlib, lxml or expat raise on a damaged or hostile workbook
  becomes one French message naming the problem (`Unreadable`), never an internal error.
Reading the sheet by hand is the one part openpyxl does not do within bounds.
"""

import datetime
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from lxml import etree
from lxml.etree import XMLSyntaxError

from passeport.core.digits import ascii_int
from passeport.core.sizes import file_size, number

from .import_limits import MAX_LINE_CHARACTERS, FileRejected, Refused, too_long

logger = logging.getLogger(__name__)

MAX_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 64  # read in the header (29 official columns at most), with room
MAX_CELLS_IN_ROW = 16_384  # Excel's own limit (column XFD)
MAX_PARTS = 1_000
MAX_PART_BYTES = 1024 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024
MAX_RATIO = 100  # real sheets compress 5 to 20 times
_RATIO_FROM = 1024 * 1024  # small parts (styles, themes) may compress more

RESAVE = "Enregistrez-le à nouveau au format Excel (.xlsx) ou en CSV UTF-8 séparé par « | »."


class Unreadable(FileRejected):
    """The workbook cannot be read, for the reason said."""


def check_archive(raw) -> None:
    """Refuses an archive too large or too compressed once uncompressed, from its
    directory alone (zipfile then never reads past a part's declared size)."""
    raw.seek(0)
    with zipfile.ZipFile(raw) as archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise Unreadable(
                f"Le classeur XLSX contient {number(len(parts))} parties (au plus "
                f"{number(MAX_PARTS)}) : ce n'est pas un classeur de déclarations."
            )
        for part in parts:
            limit = (
                MAX_SHARED_STRINGS_BYTES
                if part.filename.endswith("sharedStrings.xml")
                else MAX_PART_BYTES
            )
            if part.file_size > limit:
                raise Unreadable(
                    f"Le classeur XLSX est trop volumineux une fois décompressé : sa partie "
                    f"« {part.filename} » pèse {file_size(part.file_size)} (au plus "
                    f"{file_size(limit)}). Découpez-le, ou déposez-le en CSV."
                )
            if part.file_size > _RATIO_FROM and part.file_size > MAX_RATIO * max(
                part.compress_size, 1
            ):
                ratio = part.file_size // max(part.compress_size, 1)
                raise Unreadable(
                    f"Le classeur XLSX est anormalement compressé : sa partie "
                    f"« {part.filename} » est {number(ratio)} fois plus grosse une fois "
                    f"décompressée (au plus {MAX_RATIO} fois pour une feuille de "
                    "déclarations). Il est refusé sans être lu."
                )
    raw.seek(0)


def rows(
    open_source: Callable, check_header: Callable[[list[str]], None], columns: int
) -> Iterator:
    """(row number, values) of the first sheet's `columns` first columns, the header
    checked by `check_header`; a `Refused` line for a row too long. Raises `Unreadable`
    (and what `check_header` raises)."""
    with open_source() as raw:
        try:
            check_archive(raw)  # before openpyxl is even imported: a bomb costs nothing
            reader, path = _open_workbook(raw)
            try:
                yield from _sheet_rows(reader, path, check_header, columns)
            finally:
                reader.archive.close()
        except FileRejected:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise Unreadable(
                f"Le classeur XLSX est endommagé : son archive ZIP est illisible"
                f"{_part(error)} (données tronquées ou altérées). {RESAVE}"
            ) from error
        except (XMLSyntaxError, ParseError) as error:
            raise Unreadable(_xml_message(error)) from error
        except DefusedXmlException as error:
            # openpyxl parses through defusedxml when it is installed (Wagtail brings it):
            # a DOCTYPE with entities is refused there, as a ValueError.
            raise Unreadable(ENTITIES) from error
        except KeyError as error:
            raise Unreadable(
                f"Le classeur XLSX est incomplet : une de ses parties manque{_part(error)}. "
                f"{RESAVE}"
            ) from error
        except IndexError as error:
            raise Unreadable(
                "Le classeur XLSX est incohérent : une cellule renvoie à un texte partagé qui "
                f"n'existe pas. {RESAVE}"
            ) from error
        except (TypeError, ValueError, OverflowError) as error:
            raise Unreadable(
                "Le classeur XLSX contient une valeur illisible (une cellule dont le type ne "
                f"correspond pas au contenu, ou une date hors calendrier). {RESAVE}"
            ) from error
        except Exception as error:  # openpyxl's own, or one it did not foresee
            logger.warning("Classeur XLSX illisible", exc_info=True)
            raise Unreadable(
                f"Le classeur XLSX est illisible ({error.__class__.__name__}). {RESAVE}"
            ) from error


def _open_workbook(raw):
    """openpyxl's reader over the workbook's own parts, and the first sheet's path."""
    from openpyxl.reader.excel import ExcelReader  # only for XLSX files
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(raw, read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    for _sheet, relation in reader.parser.find_sheets():
        if relation.target in reader.valid_files and "chartsheet" not in relation.Type:
            return reader, relation.target
    reader.archive.close()
    raise Unreadable("Le classeur XLSX ne contient aucune feuille.")


def _sheet_rows(reader, path: str, check_header, columns: int) -> Iterator:
    from openpyxl.worksheet._reader import CELL_TAG, DIMENSION_TAG, ROW_TAG, WorkSheetParser

    workbook = reader.wb
    cells = WorkSheetParser(
        None,
        reader.shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    header_seen = False
    row_number = row_cells = 0
    values: list = []
    with reader.archive.open(path) as source:
        events = etree.iterparse(
            source,
            events=("start", "end"),
            tag=(ROW_TAG, CELL_TAG, DIMENSION_TAG),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            huge_tree=False,
        )
        for event, element in events:
            if event == "start":
                if element.tag == CELL_TAG:
                    row_cells += 1
                    if row_cells > MAX_CELLS_IN_ROW:
                        raise Unreadable(
                            f"La ligne {row_number} de la feuille compte plus de "
                            f"{number(MAX_CELLS_IN_ROW)} cellules, le maximum d'un classeur."
                        )
                    continue
                if not row_number:
                    _refuse_doctype(element)
                if element.tag == DIMENSION_TAG:  # the declared size, before any row
                    _check_dimension(element.get("ref", ""))
                    continue
                declared = element.get("r")
                row_number = _row_number(declared) if declared else row_number + 1
                if row_number > MAX_ROWS:
                    raise Unreadable(_too_many_rows())
                cells.row_counter, cells.col_counter, row_cells = row_number, 0, 0
                values = [None] * (columns if header_seen else MAX_COLUMNS)
                continue
            if element.tag == DIMENSION_TAG:
                continue
            if element.tag == CELL_TAG:
                cell = cells.parse_cell(element)
                if cell["column"] <= len(values):
                    values[cell["column"] - 1] = cell["value"]
                element.clear()
                continue
            # The end of a row: the row and what came before it are let go.
            element.clear()
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
            if not header_seen:
                header_seen = True
                check_header([_cell(v) for v in values])
                continue
            if not any(values) and all(v is None or v == "" for v in values):
                continue  # an empty row (the common case of a padded sheet), at C speed
            texts = [_cell(v) for v in values]
            while texts and not texts[-1]:
                texts.pop()
            if not texts:
                continue
            size = sum(map(len, texts)) + len(texts) - 1  # as a line: values and separators
            yield row_number, Refused(too_long(size)) if size > MAX_LINE_CHARACTERS else texts
    if not header_seen:
        raise Unreadable("Le classeur est vide.")


def _row_number(declared: str) -> int:
    found = ascii_int(declared)
    if found is None or found < 1:
        raise Unreadable(
            f"Un numéro de ligne de la feuille n'en est pas un (« {declared[:20]} »). {RESAVE}"
        )
    return found


def _check_dimension(ref: str) -> None:
    from openpyxl.utils.cell import range_boundaries

    try:
        _min_col, _min_row, _max_col, max_row = range_boundaries(ref.upper())
    except (TypeError, ValueError):
        return  # a size not said well is no size: the rows are counted as they come
    if max_row is not None and max_row > MAX_ROWS:
        raise Unreadable(_too_many_rows())


def _refuse_doctype(element) -> None:
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise Unreadable(ENTITIES)


def _too_many_rows() -> str:
    return (
        f"La feuille compte plus de {number(MAX_ROWS)} lignes, le maximum d'un classeur : "
        "découpez le fichier."
    )


ENTITIES = (
    "Le classeur XLSX contient des entités XML (une déclaration DOCTYPE, qui peut les "
    "démultiplier : fichier piégé) : il est refusé sans être lu plus loin."
)


def _xml_message(error) -> str:
    text = str(error)
    if "amplification" in text or "entit" in text.lower():
        return ENTITIES
    line, column = getattr(error, "position", None) or (getattr(error, "lineno", 0), 0)
    where = f" (ligne {line} de la partie, colonne {column})" if line else ""
    return (
        f"Le classeur XLSX est endommagé : une de ses parties n'est pas un XML bien "
        f"formé{where}. {RESAVE}"
    )


def _part(error: BaseException) -> str:
    """ " (partie « xl/workbook.xml »)" when the library's message names the part."""
    found = re.search(r"'([^']+\.(?:xml|rels))'", str(error))
    return f" (partie « {found.group(1)} »)" if found else ""


def _cell(value) -> str:
    """An XLSX cell as the text the CSV would carry (dates jj/mm/aaaa, whole numbers
    without decimals: a SIRET typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
