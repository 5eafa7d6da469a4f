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

Reading stops once too many lines are rejected (`import_limits.too_many_errors`): the
import ends "done" with a message saying so, what was accepted kept. Progress counters
are saved with each batch, for the status page. Line rejections are
`ImportRejection` rows; the report (CSV, JSON) and the corrected file (the rejected lines
only, same layout, original values) are written from them and the stored file
(`import_reports`). The file is read by `import_reader.Source`.
"""

import contextlib
import datetime
import hashlib
import itertools
import logging
import os
from collections.abc import Callable

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

from .enums import Channel, ImportStatus
from .import_limits import (
    FileRejected,
    Refused,
    max_bytes,
    too_large_message,
    too_many_errors,
    too_many_errors_message,
)
from .import_reader import XLSX_MAGIC, Source
from .lines import COLUMNS, LineError
from .models import ImportRejection, PreventionImport
from .services import ACCEPTED, DUPLICATE, REJECTED, Declarer, LineResult, check_role

logger = logging.getLogger(__name__)

# Lines per transaction: large enough that commits do not dominate, small enough that an
# interruption loses little work and memory stays flat.
BATCH_SIZE = 5000


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
            imported.error_message = too_large_message(imported.size)
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
    batch: list[tuple[int, list[str] | Refused]] = []
    stopped = ""
    try:
        for row in itertools.islice(source.rows(), already, None):
            batch.append(row)
            if len(batch) >= batch_size:
                _batch(imported, declarer, batch, progress, token)
                batch = []
                if too_many_errors(imported.rejected_count, imported.processed_count):
                    stopped = too_many_errors_message(
                        imported.rejected_count, imported.processed_count, total
                    )
                    break
        if batch:
            _batch(imported, declarer, batch, progress, token)
    except FileRejected as rejected:  # an unreadable part past the scan (should not happen)
        return _reject(imported, token, rejected.message)
    imported.status, imported.worker = ImportStatus.DONE, None
    imported.finished_at = timezone.now()
    imported.error_message = stopped
    CLAIMS.save(
        imported,
        token,
        status=imported.status,
        finished_at=imported.finished_at,
        error_message=stopped,
        worker=None,
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
        # A line refused unread (too long) is said as such; the others go to the rules.
        rows = [(number, values) for number, values in batch if not isinstance(values, Refused)]
        results = declarer.declare(rows) if rows else []
        results.extend(
            LineResult(number, "", REJECTED, [LineError("", values.reason)])
            for number, values in batch
            if isinstance(values, Refused)
        )
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
    if imported.error_message:  # stopped: too many errors
        return (
            f"{imported.error_message} {imported.accepted_count} ligne(s) acceptée(s), "
            f"{imported.duplicate_count} déjà déclarée(s), {imported.rejected_count} "
            "rejetée(s)."
        )
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
