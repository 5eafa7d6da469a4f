"""Hostile prevention import files, each built here, from the attacker's side: a line of
megabytes, a flood of wrong lines, workbooks that are bombs or damaged in every way the
fuzzer found. Each ends with the import refused (or stopped) and one French message,
never an internal error; nothing accepted is lost."""

import io
import zipfile

import pytest

from passeport.prevention import import_limits, import_reports, import_xlsx, importer
from passeport.prevention.enums import ImportStatus
from passeport.prevention.models import DeclarationLine, ImportRejection

from .helpers import adf_values, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(data: bytes, provider, *, name="declarations.csv", batch_size=2):
    imported = importer.receive_import(
        io.BytesIO(data), kind="ADF", declarant=provider, role="provider", file_name=name
    )
    return importer.process_import(imported, batch_size=batch_size)


def reasons(imported) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for line, column, reason in ImportRejection.objects.filter(source_import=imported).values_list(
        "line", "column", "reason"
    ):
        found.setdefault(line, []).append(f"{column}: {reason}")
    return found


# --- CSV: one line longer than any line may be ------------------------------------------


@pytest.mark.parametrize("size", [20_000, 3 * 1024 * 1024])
def test_a_line_too_long_is_refused_unread_and_the_others_declared(
    referentials, provider, persons, size
):
    good = [adf_values(p) for p in persons]
    data = csv_bytes(good[:1]) + b"DECL-1|" + b"x" * size + b"\r\n"
    data += csv_bytes(good[1:]).split(b"\r\n", 1)[1]  # without its header
    imported = run(data, provider)

    assert imported.status == ImportStatus.DONE
    assert (imported.accepted_count, imported.rejected_count) == (3, 1)
    refused = reasons(imported)[3]
    assert refused[0].startswith(": Ligne de ")
    assert "au plus 8\u202f192" in refused[0]
    corrected = "".join(import_reports.corrected_lines(imported))
    assert "xxxx" not in corrected  # not written back: the report says why


def test_a_line_of_exactly_the_limit_is_read(referentials, provider, persons):
    values = adf_values(persons[0])
    line = "|".join(values[c] for c in importer.COLUMNS["ADF"])
    values["REFERENCE_EMPLOYEUR"] = ""
    padding = import_limits.MAX_LINE_CHARACTERS - len(line)
    values["NOM_FORMATION"] += " " * padding  # stripped by the rules, not by the reader
    data = csv_bytes([values])
    assert len(data.split(b"\r\n")[1].decode()) == import_limits.MAX_LINE_CHARACTERS

    imported = run(data, provider)

    assert imported.accepted_count == 1


def test_a_header_too_long_rejects_the_file(referentials, provider):
    imported = run(b"ID_DECLARATION" + b"|" * 20_000 + b"\r\n", provider)

    assert imported.status == ImportStatus.REJECTED
    assert imported.error_message.startswith("L'en-tête dépasse 8\u202f192 caractères")


def test_an_unclosed_quote_is_said_in_french(referentials, provider, persons):
    values = adf_values(persons[0], NOM_FORMATION='"Sauveteur')
    data = csv_bytes([values]) + ("x" * 5000 + "\r\n").encode() * 40

    imported = run(data, provider)

    assert imported.status == ImportStatus.REJECTED
    assert imported.error_message.startswith("Un champ entre guillemets ne se referme pas")


# --- Too many errors -----------------------------------------------------------------------


def test_a_file_whose_lines_are_mostly_wrong_stops_with_trop_d_erreurs(
    referentials, provider, persons, settings
):
    settings.PREVENTION_IMPORT_BROKEN_AFTER = 4
    good = adf_values(persons[0])
    wrong = [adf_values(persons[1], ID_UNIQUE_PARTENAIRE=f"W-{i}", NIR="1") for i in range(30)]
    imported = run(csv_bytes([good, *wrong]), provider, batch_size=5)

    assert imported.status == ImportStatus.DONE
    assert imported.error_message.startswith("Trop d'erreurs : corrigez le fichier et renvoyez-le.")
    assert imported.processed_count == 5 and imported.total_count == 31
    assert imported.accepted_count == 1  # kept
    assert ImportRejection.objects.filter(source_import=imported).count() == 4
    assert importer.summary(imported).startswith("Trop d'erreurs")
    # What to send again: the rejected lines and those never read.
    corrected = list(import_reports.corrected_lines(imported))
    assert len(corrected) == 1 + 4 + 26


def test_a_file_with_some_wrong_lines_is_read_to_its_end(referentials, provider, persons, settings):
    settings.PREVENTION_IMPORT_BROKEN_AFTER = 2
    lines = [adf_values(p) for p in persons]
    lines += [adf_values(persons[0], ID_UNIQUE_PARTENAIRE=f"W-{i}", NIR="1") for i in range(2)]
    imported = run(csv_bytes(lines), provider, batch_size=2)

    assert imported.error_message == ""
    assert (imported.accepted_count, imported.rejected_count) == (3, 2)


def test_rejections_are_bounded_whatever_the_proportion(referentials, provider, persons, settings):
    settings.PREVENTION_IMPORT_MAX_REJECTED_LINES = 3
    lines = []
    for i in range(12):
        person = persons[i % 3]
        lines.append(adf_values(person, ID_UNIQUE_PARTENAIRE=f"L-{i}", NIR="1" if i % 2 else None))
    for values in lines:
        if values["NIR"] is None:
            values["NIR"] = adf_values(persons[0])["NIR"]
    imported = run(csv_bytes(lines), provider, batch_size=4)

    assert imported.error_message.startswith("Trop d'erreurs")
    assert imported.rejected_count < len(lines) // 2


# --- XLSX: bounded before parsing, every unreadable shape said in French ------------------


def rewritten(data: bytes, replace: dict[str, bytes | None], *, add: dict | None = None) -> bytes:
    """The workbook `data` with parts replaced (None: removed) or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = replace.get(item.filename, source.read(item.filename))
            if content is not None:
                target.writestr(item.filename, content, zipfile.ZIP_DEFLATED)
        for name, content in (add or {}).items():
            target.writestr(name, content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet(rows: bytes, dimension: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0"?><worksheet '
        + NS
        + b">"
        + dimension
        + b"<sheetData>"
        + rows
        + (b"</sheetData></worksheet>")
    )


@pytest.fixture
def workbook(referentials, persons):
    return xlsx_bytes([adf_values(p) for p in persons])


def test_a_workbook_of_millions_of_tiny_rows_is_refused_from_its_directory(workbook, provider):
    """The fuzzer's bomb, in small: millions of empty rows compress a thousand times. It
    is refused without decompressing the sheet (the bench measures the time and memory
    of the full-size one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != SHEET:
                target.writestr(item.filename, source.read(item.filename), zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo(SHEET)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w") as part:
            part.write(b'<?xml version="1.0"?><worksheet ' + NS + b"><sheetData>")
            for _ in range(50):
                part.write(b"<row/>" * 100_000)
            part.write(b"</sheetData></worksheet>")
    bomb = out.getvalue()
    assert len(bomb) < 100_000

    imported = run(bomb, provider, name="bombe.xlsx")

    assert imported.status == ImportStatus.REJECTED
    assert "anormalement compressé" in imported.error_message
    assert "« xl/worksheets/sheet1.xml »" in imported.error_message


def test_a_part_too_large_once_uncompressed_is_refused(workbook, provider, monkeypatch):
    monkeypatch.setattr(import_xlsx, "MAX_PART_BYTES", 5_000)  # the theme is 10 Ko
    imported = run(workbook, provider, name="f.xlsx")

    assert imported.status == ImportStatus.REJECTED
    assert "trop volumineux une fois décompressé" in imported.error_message


def test_a_declared_dimension_beyond_excel_is_refused(workbook, provider):
    data = rewritten(workbook, {SHEET: sheet(b"", b'<dimension ref="A1:T2000000"/>')})

    imported = run(data, provider, name="f.xlsx")

    assert imported.status == ImportStatus.REJECTED
    assert "plus de 1\u202f048\u202f576 lignes" in imported.error_message


@pytest.mark.parametrize("max_rows", [3, 5])
def test_rows_beyond_the_limit_stop_the_reading(workbook, provider, monkeypatch, max_rows):
    """Rows counted as read (4 here), or a row numbered a billion: never a billion empty
    rows yielded."""
    monkeypatch.setattr(import_xlsx, "MAX_ROWS", max_rows)
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        xml = archive.read(SHEET)
    xml = xml.replace(b"</sheetData>", b'<row r="1000000000"/></sheetData>')
    xml = xml.replace(b'<dimension ref="A1:T4"/>', b"")  # no declared size to go by
    data = rewritten(workbook, {SHEET: xml})

    imported = run(data, provider, name="f.xlsx")

    assert imported.status == ImportStatus.REJECTED
    assert f"plus de {max_rows} lignes" in imported.error_message


def test_a_row_too_long_is_a_refused_line(referentials, provider, persons):
    lines = [adf_values(p) for p in persons]
    lines[1]["NOM_FORMATION"] = "x" * 10_000

    imported = run(xlsx_bytes(lines), provider, name="f.xlsx")

    assert (imported.accepted_count, imported.rejected_count) == (2, 1)
    assert reasons(imported)[3][0].startswith(": Ligne de 10\u202f")


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "'
    + b"a" * 50
    + b'">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), b"&%s;" % bytes([97 + i]) * 10) for i in range(8)
    )
    + b"]><worksheet "
    + NS
    + b'><sheetData><row r="1"><c t="inlineStr"><is><t>&i;</t></is></c></row></sheetData>'
    + b"</worksheet>"
)


LAUGHS = BILLION_LAUGHS.split(b"]>", 1)[0] + b"]>"
LAUGHS_STRINGS = LAUGHS.replace(b"DOCTYPE worksheet", b"DOCTYPE sst") + (
    b"<sst " + NS + b' count="1" uniqueCount="1"><si><t>&i;</t></si></sst>'
)
LAUGHS_STYLES = LAUGHS.replace(b"DOCTYPE worksheet", b"DOCTYPE styleSheet") + (
    b"<styleSheet " + NS + b'><numFmts count="1"><numFmt numFmtId="164" '
    b'formatCode="&i;"/></numFmts></styleSheet>'
)


def SHARED_STRINGS_TYPES(types: bytes) -> bytes:
    """The workbook's own [Content_Types].xml, naming a shared strings part."""
    return types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        # lxml (openpyxl reads the workbook's own parts with it): XMLSyntaxError
        ({"xl/workbook.xml": b"<workbook"}, "n'est pas un XML bien formé"),
        # expat (the sheet): ParseError
        ({SHEET: b"<worksheet><sheetData><row>"}, "n'est pas un XML bien formé"),
        # entities in the sheet: its DOCTYPE refused before any row is read
        ({SHEET: BILLION_LAUGHS}, "contient des entités XML"),
        # in the shared strings (expat): "limit on input amplification factor breached"
        (
            {"[Content_Types].xml": SHARED_STRINGS_TYPES, "xl/sharedStrings.xml": LAUGHS_STRINGS},
            "contient des entités XML",
        ),
        # in the styles (lxml): libxml2's own guard
        ({"xl/styles.xml": LAUGHS_STYLES}, "contient des entités XML"),
        # a workbook without a sheet: IndexError
        (
            {
                "xl/workbook.xml": b'<workbook xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheets/></workbook>'
            },
            "ne contient aucune feuille",
        ),
        # a cell whose type says number and content says otherwise: ValueError
        (
            {SHEET: sheet(b'<row r="1"><c r="A1" t="n"><v>pas un nombre</v></c></row>')},
            "valeur illisible",
        ),
        # a cell naming a shared string that does not exist: IndexError
        (
            {SHEET: sheet(b'<row r="1"><c r="A1" t="s"><v>7</v></c></row>')},
            "renvoie à un texte partagé qui n'existe pas",
        ),
        # a part the workbook names is missing: KeyError
        ({"xl/_rels/workbook.xml.rels": None}, "une de ses parties manque"),
    ],
    ids=[
        "xml-syntax",
        "xml-parse",
        "entities-sheet",
        "amplification-strings",
        "amplification-styles",
        "no-sheet",
        "value",
        "shared-string",
        "missing-part",
    ],
)
def test_unreadable_workbooks_are_rejected_with_one_french_message(
    workbook, provider, damage, message
):
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        present = set(archive.namelist())
        damage = {
            name: content(archive.read(name)) if callable(content) else content
            for name, content in damage.items()
        }
    replace = {name: content for name, content in damage.items() if name in present}
    add = {name: content for name, content in damage.items() if name not in present}
    imported = run(rewritten(workbook, replace, add=add), provider, name="f.xlsx")

    assert imported.status == ImportStatus.REJECTED
    assert message in imported.error_message
    assert "Erreur interne" not in imported.error_message
    assert not DeclarationLine.objects.exists()


def _corrupt_deflate(data: bytes) -> bytes:
    """The sheet's compressed bytes altered in their middle: zlib.error."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(SHEET)
    raw = bytearray(data)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 2, start + min(info.compress_size, 40)):
        raw[offset] ^= 0xFF
    return bytes(raw)


def _bad_crc(data: bytes) -> bytes:
    """The sheet stored uncompressed, one byte changed: its CRC no longer holds
    (BadZipFile)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item.filename), zipfile.ZIP_STORED)
    raw = out.getvalue()
    at = raw.index(b"<sheetData>")
    return raw[:at] + b"<sheetDatA>" + raw[at + 11 :]


@pytest.mark.parametrize("damage", [_corrupt_deflate, _bad_crc], ids=["zlib", "bad-zip"])
def test_a_damaged_archive_is_rejected_with_one_french_message(workbook, provider, damage):
    imported = run(damage(workbook), provider, name="f.xlsx")

    assert imported.status == ImportStatus.REJECTED
    assert imported.error_message.startswith(
        "Le classeur XLSX est endommagé : son archive ZIP est illisible"
    )
