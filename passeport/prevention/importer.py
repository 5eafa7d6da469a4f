"""Mass import of ADF / JDR files (official layout: `|`-separated UTF-8 CSV, one header
line, one line per trainee; or the same columns in the first sheet of an XLSX workbook).

`receive_import` keeps the file, then `process_import` reads it twice, streaming (never
the whole file in memory):

1. a scan: size, encoding, separator, header, number of lines. Any failure rejects the
   whole file with one French message, before anything is declared;
2. the lines, by batches of `BATCH_SIZE`, each batch through `services.Declarer` in its
   own transaction: an interruption loses nothing accepted, and importing the file again
   only adds what is missing (every accepted line's `ID_UNIQUE_PARTENAIRE` is then
   "already declared").

Progress counters are saved with each batch, for the status page. Line rejections are
`ImportRejection` rows; the report (CSV, JSON) and the corrected file (the rejected lines
only, same layout, original values) are written from them and the stored file.
"""

import contextlib
import csv
import datetime
import hashlib
import io
import itertools
import json
import logging
import os
import zipfile
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import get_valid_filename

from passeport.core.bulk import bulk_insert, new_instance
from passeport.core.claims import Claims
from passeport.organisations.models import Organisation

from .enums import Channel, DeclarationKind, ImportStatus
from .models import ImportRejection, PreventionImport
from .rules import COLUMNS
from .services import ACCEPTED, DUPLICATE, REJECTED, Declarer, check_role

logger = logging.getLogger(__name__)

SEPARATOR = "|"
# Lines per transaction: large enough that commits do not dominate, small enough that an
# interruption loses little work and memory stays flat.
BATCH_SIZE = 5000
DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # the official limit
XLSX_MAGIC = b"PK\x03\x04"
_OTHER_SEPARATORS = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}


def max_bytes() -> int:
    return getattr(settings, "PREVENTION_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


class FileRejected(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Receiving ---------------------------------------------------------------------------


def receive_import(
    file,
    *,
    kind: str,
    declarant: Organisation,
    role: str,
    channel: str = Channel.FILE,
    user=None,
    file_name: str | None = None,
) -> PreventionImport:
    """Keeps the file (a path or a binary file object) and returns the import, not yet
    processed: call `process_import` (command) or `start_after_commit` (portal)."""
    check_role(declarant, role)
    if kind not in COLUMNS:
        raise ValueError(f"Type de fichier inconnu : {kind}")
    with _binary(file) as source:
        name = file_name or os.path.basename(getattr(source, "name", "") or "") or "import.csv"
        imported = PreventionImport(
            declarant=declarant,
            declarant_role=role,
            kind=kind,
            channel=channel,
            file_name=name[:255],
            created_by=user,
        )
        imported.sha256, imported.size, head = _digest(source)
        imported.file_format = "xlsx" if head.startswith(XLSX_MAGIC) else "csv"
        if imported.size > max_bytes():
            # Neither kept nor read.
            imported.status = ImportStatus.REJECTED
            imported.error_message = (
                f"Le fichier pèse {_megabytes(imported.size)}, au-delà de la limite de "
                f"{_megabytes(max_bytes())}."
            )
            imported.finished_at = timezone.now()
            imported.save()
            return imported
        source.seek(0)
        stored = get_valid_filename(os.path.basename(name)) or f"import.{imported.file_format}"
        imported.source.save(stored, File(source), save=False)
    imported.save()
    return imported


def start_after_commit(imported: PreventionImport) -> None:
    """A worker processes the import once the transaction that received it commits."""
    from .tasks import process_import  # the task calls back into this module

    transaction.on_commit(lambda: process_import(imported.pk), robust=True)


def process_import_pk(pk: int) -> None:
    """The worker's entry point; an import deleted meanwhile is nothing to do."""
    imported = PreventionImport.objects.filter(pk=pk).first()
    if imported is not None:
        process_import(imported)


@contextlib.contextmanager
def _binary(file):
    if isinstance(file, str | os.PathLike):
        with open(file, "rb") as opened:
            yield opened
    else:
        yield file


def _digest(source) -> tuple[str, int, bytes]:
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := source.read(1024 * 1024):
        if not head:
            head = chunk[:8]
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size, head


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


# --- Reading -----------------------------------------------------------------------------


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

    def rows(self, *, check_only: bool = False) -> Iterator[tuple[int, list[str]]]:
        if self.imported.file_format == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows(check_only)

    def _csv_rows(self, check_only: bool) -> Iterator[tuple[int, list[str]]]:
        with self._open() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
            try:
                header = text.readline()
                self.check_header(_split_header(header))
                if check_only:
                    # The scan checks the encoding of every byte and counts non-blank lines
                    # without the csv module's cost.
                    number = 1
                    for line in text:
                        number += 1
                        if line.strip():
                            yield number, []
                    return
                reader = csv.reader(text, delimiter=SEPARATOR)
                for values in reader:
                    if not values or (len(values) == 1 and not values[0].strip()):
                        continue
                    yield reader.line_num + 1, values
            except UnicodeDecodeError as error:
                raise FileRejected(
                    "Le fichier n'est pas encodé en UTF-8 (octet invalide à la position "
                    f"{error.start}). Enregistrez-le en « CSV UTF-8 » et déposez-le à nouveau."
                ) from error
            except csv.Error as error:
                raise FileRejected(f"Le fichier CSV est illisible : {error}.") from error

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        import openpyxl  # only for XLSX files

        with self._open() as raw:
            try:
                workbook = openpyxl.load_workbook(raw, read_only=True, data_only=True)
            except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
                raise FileRejected(
                    "Le classeur XLSX est illisible : enregistrez-le à nouveau au format "
                    "Excel (.xlsx) ou en CSV UTF-8 séparé par « | »."
                ) from error
            try:
                sheet = workbook.worksheets[0]
                rows = sheet.iter_rows(values_only=True)
                header = next(rows, None)
                if header is None:
                    raise FileRejected("Le classeur est vide.")
                self.check_header([_cell(v) for v in header])
                for number, values in enumerate(rows, start=2):
                    cells = [_cell(v) for v in values]
                    while cells and not cells[-1]:
                        cells.pop()
                    if cells:
                        yield number, cells
            finally:
                workbook.close()

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


# --- Processing --------------------------------------------------------------------------


# A run saves a sign of life with each batch (a few seconds apart); one silent for this
# long was stopped (server restart, killed process) and is resumed where it stopped
# (`core.claims`).
STALE_AFTER = datetime.timedelta(minutes=5)


def stale_after() -> datetime.timedelta:
    return getattr(settings, "PREVENTION_IMPORT_STALE_AFTER", STALE_AFTER)


CLAIMS = Claims(
    PreventionImport,
    pending=(ImportStatus.RECEIVED, ImportStatus.PROCESSING),
    running=ImportStatus.PROCESSING,
    since="created_at",
    stale_after=stale_after,
    label="Import de prévention",
)
is_stale = CLAIMS.is_stale


def process_import(
    imported: PreventionImport,
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> PreventionImport:
    """Processes the import, or what is left of it: the lines of the batches an earlier
    run committed (`processed_count`, saved with each batch) are skipped. Does nothing
    when another run is processing it (its last batch less than `stale_after()` ago) or
    when it is no longer pending (refused on receipt, done). An internal error is said
    on the status page; what was accepted stays."""
    return CLAIMS.run(
        imported,
        lambda token: _process(imported, token, progress, batch_size),
        failed=lambda: {
            "status": ImportStatus.REJECTED,
            "finished_at": timezone.now(),
            "error_message": INTERNAL_ERROR,
        },
        started_at=Coalesce("started_at", Value(timezone.now())),
    )


INTERNAL_ERROR = (
    "Erreur interne pendant le traitement. Les lignes déjà acceptées sont enregistrées ; le "
    "fichier peut être importé à nouveau sans risque : elles ne seront pas déclarées deux "
    "fois."
)


def _process(imported: PreventionImport, token, progress, batch_size) -> PreventionImport:
    source = Source(imported)
    try:
        total = source.scan()
    except FileRejected as rejected:
        return _reject(imported, token, rejected.message)
    imported.total_count = total
    CLAIMS.save(imported, token, total_count=total)
    label = f"fichier {imported.file_name}"
    declarer = Declarer(
        imported.kind,
        imported.declarant,
        imported.declarant_role,
        imported.channel,
        user=imported.created_by,
        source_import=imported,
        source_label=label,
    )
    already = imported.processed_count  # committed by an earlier, interrupted run
    if already:
        logger.info("Import de prévention %s : reprise après %s lignes", imported.pk, already)
    batch: list[tuple[int, list[str]]] = []
    try:
        for row in itertools.islice(source.rows(), already, None):
            batch.append(row)
            if len(batch) >= batch_size:
                _batch(imported, declarer, batch, progress, token)
                batch = []
        if batch:
            _batch(imported, declarer, batch, progress, token)
    except FileRejected as rejected:  # an unreadable part past the scan (should not happen)
        return _reject(imported, token, rejected.message)
    imported.status, imported.worker = ImportStatus.DONE, None
    imported.finished_at = timezone.now()
    CLAIMS.save(
        imported, token, status=imported.status, finished_at=imported.finished_at, worker=None
    )
    logger.info(
        "Import de prévention %s : %s lignes acceptées, %s déjà déclarées, %s rejetées",
        imported.public_id,
        imported.accepted_count,
        imported.duplicate_count,
        imported.rejected_count,
    )
    return imported


def stale_imports(now: datetime.datetime | None = None):
    return CLAIMS.stale(now)


def resume_stale_imports(*, progress=None) -> list[PreventionImport]:
    """Processes what is left of every interrupted import (command, daily task)."""
    resumed = []
    for imported in stale_imports().order_by("created_at", "pk"):
        resumed.append(process_import(imported, progress=progress))
    return resumed


def _batch(imported, declarer: Declarer, batch, progress, token) -> None:
    with transaction.atomic():
        results = declarer.declare(batch)
        rejections = []
        counts = {ACCEPTED: 0, DUPLICATE: 0, REJECTED: 0}
        for result in results:
            counts[result.status] += 1
            if result.status == REJECTED:
                for error in result.errors:
                    rejections.append(
                        new_instance(
                            ImportRejection,
                            source_import_id=imported.pk,
                            line=result.line,
                            column=error.column,
                            reason=error.message,
                            partner_unique_id=result.partner_unique_id[:100],
                        )
                    )
        bulk_insert(ImportRejection, rejections)
        counters = {
            "processed_count": imported.processed_count + len(batch),
            "accepted_count": imported.accepted_count + counts[ACCEPTED],
            "duplicate_count": imported.duplicate_count + counts[DUPLICATE],
            "rejected_count": imported.rejected_count + counts[REJECTED],
        }
        # Saved with the batch, if this run still holds the import (else all of it is
        # undone): the counters always say what is committed, and where to resume.
        CLAIMS.save(imported, token, **counters)
    for name, value in counters.items():
        setattr(imported, name, value)
    if progress:
        progress(len(batch))


def _reject(imported: PreventionImport, token, message: str) -> PreventionImport:
    imported.status, imported.worker = ImportStatus.REJECTED, None
    imported.error_message = message
    imported.finished_at = timezone.now()
    CLAIMS.save(
        imported,
        token,
        status=imported.status,
        error_message=message,
        finished_at=imported.finished_at,
        worker=None,
    )
    return imported


# --- What the declarant reads ------------------------------------------------------------


def summary(imported: PreventionImport) -> str:
    """One French sentence on the outcome."""
    if imported.status == ImportStatus.REJECTED:
        return f"Fichier rejeté : {imported.error_message}"
    if imported.is_pending:
        done, total = imported.processed_count, imported.total_count
        return f"Traitement en cours : {done} ligne(s) sur {total}."
    parts = [f"{imported.accepted_count} ligne(s) acceptée(s)"]
    if imported.duplicate_count:
        parts.append(f"{imported.duplicate_count} déjà déclarée(s) (rien n'a changé)")
    parts.append(f"{imported.rejected_count} rejetée(s)")
    text = ", ".join(parts) + f" sur {imported.total_count}."
    if imported.accepted_count == 0 and imported.duplicate_count == imported.total_count:
        text = (
            "Ce fichier avait déjà été importé : toutes ses lignes sont déjà déclarées, "
            "rien n'a changé."
        )
    return text


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
    browser). Written as CSV whatever the source format."""
    rejected = set(
        ImportRejection.objects.filter(source_import=imported).values_list("line", flat=True)
    )
    writer = csv.writer(_Echo(), delimiter=SEPARATOR, lineterminator="\r\n")
    yield writer.writerow(COLUMNS[imported.kind])
    for number, values in Source(imported).rows():
        if number in rejected:
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
