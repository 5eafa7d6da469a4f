"""A DSN file received: the deposit (its fingerprint, to recognise a file sent again), the
size limit, the run of the reader and the loader over the file, and how the deposit
ends — processed, partial, rejected (with the reason), or failed on an internal error
(with the report of what was integrated before it), never "en cours" for ever.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.utils import timezone

from passeport.core.sizes import file_size

from . import dictionary as dsn_dictionary
from .declaration import Violation
from .loader import BATCH_SIZE, Loader
from .models import DepositStatus, DsnDeposit
from .reader import MAX_FILE_VIOLATIONS, DsnReader
from .report import FileResult, build_report, interrupt

logger = logging.getLogger(__name__)

# The largest file accepted (ACCROCHAGE and prevention imports have theirs): a monthly DSN
# is about 700 bytes per individual, so 512 MiB is some 700,000 employees.
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
INTERNAL_ERROR = (
    "Erreur interne pendant le traitement : le dépôt est arrêté. Les déclarations "
    "intégrées avant l'erreur sont conservées (voir le compte rendu) ; renvoyez le "
    "fichier : ce qui a été intégré ne le sera pas deux fois."
)


class DepositFailed(RuntimeError):
    """An internal error stopped the deposit: `result` is the failed deposit and its
    report; the error itself is the cause (`__cause__`)."""

    def __init__(self, result: FileResult):
        super().__init__(INTERNAL_ERROR)
        self.result = result


def max_bytes() -> int:
    return getattr(settings, "DSN_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_violations() -> int:
    return getattr(settings, "DSN_MAX_VIOLATIONS", MAX_FILE_VIOLATIONS)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ingest_file(
    path: str | Path,
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> FileResult:
    """Reads, checks and loads one DSN file; returns the deposit and its report. A file
    over `max_bytes()` is refused unread. On an internal error the deposit ends
    "failed" with the report of what was integrated before it, and `DepositFailed` is
    raised from the error."""
    path = Path(path)
    received_at = timezone.now()
    size = path.stat().st_size
    oversized = size > max_bytes()
    sha256 = "" if oversized else sha256_of(path)  # an oversized file is not read at all
    previous = (
        DsnDeposit.objects.filter(sha256=sha256)
        .exclude(status=DepositStatus.PROCESSING)
        .order_by("received_at")
        .first()
        if sha256
        else None
    )
    deposit = DsnDeposit.objects.create(
        file_name=path.name[:255],
        sha256=sha256,
        size=size,
        received_at=received_at,
        duplicate_of=previous,
    )
    if oversized:
        message = (
            f"Le fichier pèse {file_size(size)} : une DSN en fait au plus "
            f"{file_size(max_bytes())}. Il n'a pas été lu."
        )
        reader = SimpleNamespace(
            encoding="", has_envelope=False, lines=0, file_violations=[Violation(0, "", message)]
        )
        return _finish(deposit, reader, [], previous, DepositStatus.REJECTED)
    reader = DsnReader(path, dictionary=dsn_dictionary.load(), max_violations=max_violations())
    loader = Loader(deposit, path.name, received_at, batch_size)
    outcomes = []
    try:
        for declaration in reader.declarations():
            outcomes.append(loader.declaration(declaration))
            if progress is not None:
                progress(reader.bytes_read)
        loader.flush()
    except BaseException as error:
        logger.exception("Dépôt DSN %s : erreur interne", deposit.public_id)
        if loader.current is not None and loader.current not in outcomes:
            outcomes.append(loader.current)
        for outcome in outcomes:
            if outcome.status == "intégrée" and not outcome.written:
                interrupt(outcome)
        result = _finish(deposit, reader, outcomes, previous, DepositStatus.FAILED, INTERNAL_ERROR)
        if isinstance(error, Exception):
            raise DepositFailed(result) from error
        raise  # an interruption (Ctrl-C): the deposit says so, and the process stops
    if progress is not None:
        progress(reader.bytes_read)
    kept = [o for o in outcomes if o.status == "intégrée"]
    rejected = [o for o in outcomes if o.status == "rejetée"]
    if not outcomes or (rejected and not kept):
        status = DepositStatus.REJECTED
    elif rejected or reader.file_violations:
        status = DepositStatus.PARTIAL
    else:
        status = DepositStatus.PROCESSED
    return _finish(deposit, reader, outcomes, previous, status)


def _finish(deposit, reader, outcomes, previous, status, error: str = "") -> FileResult:
    report = build_report(deposit, reader, outcomes, previous)
    if error:
        report["erreur"] = error
    deposit.status = status
    deposit.encoding = reader.encoding
    deposit.finished_at = timezone.now()
    totals = report["totaux"]
    deposit.declarations = len(outcomes)
    deposit.individuals = totals["individus"]
    deposit.periods_created = totals["periodes_creees"]
    deposit.periods_updated = totals["periodes_mises_a_jour"]
    deposit.periods_unchanged = totals["periodes_inchangees"]
    deposit.individuals_rejected = totals["individus_rejetes"]
    deposit.report = report
    deposit.save()
    return FileResult(deposit, outcomes, report)


__all__ = ["DepositFailed", "FileResult", "ingest_file"]
