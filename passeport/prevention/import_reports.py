"""What the declarant of a prevention import downloads: the report of rejected lines (CSV,
JSON, streamed from `ImportRejection` rows), the corrected file (the rejected lines
only, original values, read again from the stored file) and the empty templates."""

import csv
import io
import json
import os
from collections.abc import Iterator

from django.utils.text import get_valid_filename

from .enums import DeclarationKind
from .import_limits import Refused
from .import_reader import SEPARATOR, Source
from .importer import summary
from .lines import COLUMNS
from .models import ImportRejection, PreventionImport

REPORT_FIELDS = ("ligne", "colonne", "motif", "ID_UNIQUE_PARTENAIRE")


def write_report_csv(imported: PreventionImport, out) -> None:
    """The rejections, `;`-separated with a BOM (opens as is in a spreadsheet)."""
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(REPORT_FIELDS)
    for row in _rejections(imported):
        writer.writerow(row)


def report_dict_head(imported: PreventionImport) -> dict:
    return {
        "fichier": imported.file_name,
        "type": imported.kind,
        "sha256": imported.sha256,
        "etat": imported.status,
        "message": summary(imported),
        "lignes": imported.total_count,
        "traitees": imported.processed_count,
        "acceptees": imported.accepted_count,
        "deja_declarees": imported.duplicate_count,
        "rejetees": imported.rejected_count,
        "erreur_fichier": imported.error_message,
    }


def write_report_json(imported: PreventionImport, out) -> None:
    """The report as JSON, the rejections streamed one by one."""
    head = json.dumps(report_dict_head(imported), ensure_ascii=False, indent=1)
    out.write(head[:-2] + ',\n "rejets": [')
    first = True
    for line, column, reason, pid in _rejections(imported):
        item = {"ligne": line, "colonne": column, "motif": reason, "ID_UNIQUE_PARTENAIRE": pid}
        out.write(("\n  " if first else ",\n  ") + json.dumps(item, ensure_ascii=False))
        first = False
    out.write("\n ]\n}\n")


def _rejections(imported: PreventionImport):
    return (
        ImportRejection.objects.filter(source_import=imported)
        .order_by("line", "pk")
        .values_list("line", "column", "reason", "partner_unique_id")
        .iterator(chunk_size=5000)
    )


class _Echo:
    def write(self, value):
        return value


def corrected_lines(imported: PreventionImport) -> Iterator[str]:
    """The rejected lines only, in the official layout (header + original values), to be
    corrected and sent again, as `|`-separated CSV text, line by line (streamed to the
    browser). Written as CSV whatever the source format. When reading stopped on too
    many errors, the lines not read follow (they were never checked). A line refused
    unread (too long) is not written: the report says why."""
    rejected = set(
        ImportRejection.objects.filter(source_import=imported).values_list("line", flat=True)
    )
    unread_from = imported.processed_count if imported.error_message else None
    writer = csv.writer(_Echo(), delimiter=SEPARATOR, lineterminator="\r\n")
    yield writer.writerow(COLUMNS[imported.kind])
    for index, (number, values) in enumerate(Source(imported).rows()):
        if isinstance(values, Refused):
            continue
        if number in rejected or (unread_from is not None and index >= unread_from):
            yield writer.writerow(values)


def write_corrected_file(imported: PreventionImport, out) -> int:
    """`corrected_lines` written to a text stream; returns the number of lines (without
    the header)."""
    written = -1
    for line in corrected_lines(imported):
        out.write(line)
        written += 1
    return written


def corrected_file_name(imported: PreventionImport) -> str:
    stem = os.path.splitext(imported.file_name)[0] or "import"
    return get_valid_filename(f"{stem}-lignes-rejetees.csv")


# --- Templates ---------------------------------------------------------------------------

EXAMPLES = {
    DeclarationKind.ADF: {
        "ID_DECLARATION": "DECL-2026-0001",
        "REFERENCE_DECLARATION": "SESSION-SST-MARS",
        "ID_UNIQUE_PARTENAIRE": "DECL-2026-0001-001",
        "NOM_FORMATION": "Sauveteur secouriste du travail (SST) - formation initiale",
        "DATE_DEBUT_FORMATION": "09/03/2026",
        "DATE_FIN_FORMATION": "10/03/2026",
        "MODALITE_DISPENSE": "PRESENTIEL",
        "COMPETENCE_TRANSFERABLE": "H2909/H2913/I1304",
        "QUALIFICATION_FORMATEUR": "PREVENTEUR",
        "FORMATION_CERTIFIANTE": "NON",
        "CERTIFICATION_VISEE": "",
        "DOMAINE_FORMATION": "42866",
        "SPECIALITE_FORMATION": "344t",
        "NIR": "2880469123456",
        "NOM_TITULAIRE": "DUPONT",
        "PRESENCE_EMPLOYEUR": "OUI",
        "SIRET_EMPLOYEUR": "35600000000048",
        "REFERENCE_EMPLOYEUR": "BC-2026-117",
        "DATE_DEBUT_VALIDITE": "10/03/2026",
        "DATE_FIN_VALIDITE": "10/03/2028",
    },
}
EXAMPLES[DeclarationKind.JDR] = {
    **EXAMPLES[DeclarationKind.ADF],
    "ID_DECLARATION": "JDR-2026-0001",
    "ID_UNIQUE_PARTENAIRE": "JDR-2026-0001-001",
    "TYPE_JDR": "HABILITATION",
    "NOM_JDR": "Habilitation électrique B1V - H0V",
    "NOM_OPTION_SPECIALITE": "",
    "MODE_OBTENTION": "PAR_ADMISSION",
    "PRESENCE_FORMATION": "OUI",
    "NOM_FORMATION": "Préparation à l'habilitation électrique B1V",
    "RESULTAT_OBTENU": "Admis",
    "MENTION_OBTENUE": "",
    "LIEN_PREUVE": "https://exemple.fr/preuves/JDR-2026-0001-001",
    "IDENTIFIANT_PREUVE": "PV-2026-0042",
    "DATE_FIN_VALIDITE": "10/03/2029",
}


def write_template_csv(kind: str, out) -> None:
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    writer.writerow([EXAMPLES[kind].get(column, "") for column in COLUMNS[kind]])


def template_xlsx(kind: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = kind
    sheet.append(list(COLUMNS[kind]))
    # Text cells: a spreadsheet must not turn a NIR or a SIRET into a number.
    sheet.append([EXAMPLES[kind].get(column, "") for column in COLUMNS[kind]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
