"""From a certifier's accrochage file to certification records and an accusé de traitement.

`submit_accrochage` is the one way in (portal, command, API): it keeps the file, then
processes it now or, for a large file, on a worker once the submission is committed.
Processing (`process_submission`) validates the whole file (`reader.scan`), then hands
its passages a chunk at a time to `run.Run`, which checks them (`checks`), finds their
holder (`identify`) and stores them; the accusé is built as it goes (`accuse`).

Rules (see also the README section):

- a passage is matched to one person by NIR + birth name (1.1.5 `identifiantNational`) or
  by birth identity (`titulaire`); a CPF training file number (`dossierFormation`) cannot
  be resolved yet (no dossier store) and is rejected with that reason;
- the certification code must be in the RNCP/RS referential. An inactive fiche whose
  successor chain leads to an active one is accepted under the code sent, with a warning.
  An inactive fiche without an active successor is accepted only if the award date
  (dateDebutValidite) falls within its registration period: a certification obtained
  while registered stays a registered certification for its holder, and certifiers have
  3 months to send it, so late files about expired fiches are normal;
- idempotence is per certifier + idTechnique (`AccrochagePassage`): the same content again
  changes nothing (INCHANGE), new content revises the record (`records.services.revise`),
  SUPPRESSION cancels it (`cancel`, kept in history). A passage re-sent for another person
  cancels the first record and creates one for the new person.
"""

import contextlib
import datetime
import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from itertools import islice

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from passeport.core.claims import Claims
from passeport.organisations.models import Organisation

from . import reader
from .accuse import (
    PROCESSED,
    REJECTED,
    AccuseBuilder,
    AccuseHeader,
)
from .models import AccrochageSubmission, SubmissionStatus
from .run import Run

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
DEFAULT_SYNC_MAX_BYTES = 2 * 1024 * 1024  # ≈ 1,500 passages: a few seconds at most


def max_bytes() -> int:
    return getattr(settings, "ACCROCHAGE_MAX_BYTES", reader.DEFAULT_MAX_BYTES)


def sync_max_bytes() -> int:
    return getattr(settings, "ACCROCHAGE_SYNC_MAX_BYTES", DEFAULT_SYNC_MAX_BYTES)


# --- Submitting --------------------------------------------------------------------------


def submit_accrochage(
    file,
    *,
    certifier: Organisation,
    submitted_by=None,
    file_name: str | None = None,
    background: bool | None = None,
    progress: Callable[[int], None] | None = None,
) -> AccrochageSubmission:
    """Keeps the file (a path or a file object), then processes it.

    `background=None` decides by size: above ACCROCHAGE_SYNC_MAX_BYTES the file is
    processed in a thread started once the submission is committed."""
    if not certifier.is_certifier:
        raise ValueError("Seul un certificateur dépose des fichiers d'accrochage.")
    with _binary(file) as source:
        name = file_name or os.path.basename(getattr(source, "name", "") or "") or "flux.xml"
        submission = AccrochageSubmission(
            certifier=certifier,
            file_name=name[:255],
            submitted_by=submitted_by,
            status=SubmissionStatus.RECEIVED,
        )
        submission.sha256, submission.size = _digest(source)
        try:
            reader.check_size(submission.size, max_bytes())
        except reader.FileRejected as rejected:
            # An oversized file is neither kept nor read.
            submission.save()
            _finish(submission, AccuseBuilder(), None, REJECTED, rejected.message)
            return submission
        source.seek(0)
        stored_name = get_valid_filename(os.path.basename(name)) or "flux.xml"
        submission.source.save(stored_name, File(source), save=False)
    submission.save()
    if background is None:
        background = submission.size > sync_max_bytes()
    if background:
        start_after_commit(submission)
    else:
        process_submission(submission, progress=progress)
    return submission


@contextlib.contextmanager
def _binary(file):
    if isinstance(file, str | os.PathLike):
        with open(file, "rb") as opened:
            yield opened
    else:
        yield file


def _digest(source) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def start_after_commit(submission: AccrochageSubmission) -> None:
    """A worker processes the file once the transaction that received it commits."""
    from passeport.ingest.tasks import process_accrochage  # the task calls back here

    transaction.on_commit(lambda: process_accrochage(submission.pk), robust=True)


def process_submission_pk(pk: int) -> None:
    """The worker's entry point; a submission deleted meanwhile is nothing to do."""
    submission = AccrochageSubmission.objects.filter(pk=pk).first()
    if submission is not None:
        process_submission(submission)


# --- Processing --------------------------------------------------------------------------


# A run saves a sign of life with each chunk (seconds apart); one silent for this long
# was stopped (server restart, killed process) and is taken up again (`core.claims`).
STALE_AFTER = datetime.timedelta(minutes=5)


def stale_after() -> datetime.timedelta:
    return getattr(settings, "ACCROCHAGE_STALE_AFTER", STALE_AFTER)


CLAIMS = Claims(
    AccrochageSubmission,
    pending=(SubmissionStatus.RECEIVED, SubmissionStatus.PROCESSING),
    running=SubmissionStatus.PROCESSING,
    since="received_at",
    stale_after=stale_after,
    label="Dépôt d'accrochage",
)
is_stale = CLAIMS.is_stale


def process_submission(
    submission: AccrochageSubmission, *, progress: Callable[[int], None] | None = None
) -> AccrochageSubmission:
    """Processes the file, or processes it again from the start after an interruption:
    what the interrupted run stored is found again (said CREE / MODIFIE as then, nothing
    duplicated). Does nothing while another run is processing it (a chunk less than
    `stale_after()` ago). An internal error is said on the status page."""
    return CLAIMS.run(
        submission,
        lambda token: _process(submission, token, progress),
        failed=lambda: {
            "status": SubmissionStatus.REJECTED,
            "processed_at": timezone.now(),
            "error_message": INTERNAL_ERROR,
        },
    )


INTERNAL_ERROR = (
    "Erreur interne pendant le traitement. Le fichier peut être déposé à nouveau sans "
    "risque : les passages déjà enregistrés ne sont pas dupliqués."
)


def _process(submission, token, progress) -> AccrochageSubmission:
    storage, name = submission.source.storage, submission.source.name

    def open_source():
        return storage.open(name, "rb")

    builder = AccuseBuilder()
    try:
        header = reader.scan(open_source)
    except reader.FileRejected as rejected:
        return _finish(submission, builder, None, REJECTED, rejected.message)
    submission.id_flux = header.id_flux
    submission.schema_version = header.version
    submission.passages_count = header.passage_count
    submission.save(update_fields=["id_flux", "schema_version", "passages_count"])
    run = Run(submission, header)
    done = 0
    try:
        for chunk in _batched(reader.passages(open_source), CHUNK_SIZE):
            done += len(chunk)
            # Saved in the chunk's transaction, if this run still holds the submission
            # (else the chunk is undone); visible to the status page meanwhile.
            outcomes = run.process(chunk, before_commit=_progress_saver(submission, token, done))
            for outcome in outcomes:
                builder.add(outcome)
            if progress:
                progress(len(chunk))
    except BaseException:
        builder.close()
        raise
    submission.processed_count = done
    _finish(submission, builder, header, PROCESSED)
    logger.info(
        "Dépôt d'accrochage %s (idFlux %s) : %s passages acceptés, %s rejetés",
        submission.public_id,
        header.id_flux,
        builder.ok_count,
        builder.ko_count,
    )
    return submission


def _progress_saver(submission, token, done: int) -> Callable[[], None]:
    return lambda: CLAIMS.save(submission, token, processed_count=done)


def stale_submissions(now: datetime.datetime | None = None):
    return CLAIMS.stale(now)


def resume_if_stale(submission: AccrochageSubmission) -> bool:
    """Takes up an interrupted submission in the background (its page or the API's
    status was read); True if so."""
    if not is_stale(submission):
        return False
    start_after_commit(submission)
    return True


def _batched(iterable: Iterable, size: int):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _finish(submission, builder, header, status, message="") -> AccrochageSubmission:
    now = timezone.now()
    accuse_header = AccuseHeader(
        file_name=submission.file_name,
        sha256=submission.sha256,
        size=submission.size,
        received_at=submission.received_at,
        processed_at=now,
        status=status,
        id_flux=header.id_flux if header else "",
        id_client=header.certifier_id_client
        if header
        else submission.certifier.certifier_id_client,
        schema_version=header.version if header else "",
        message=message,
    )
    with tempfile.TemporaryFile() as out:
        builder.write_xml(accuse_header, out)
        out.seek(0)
        submission.accuse_xml.save("accuse-traitement.xml", File(out), save=False)
    with tempfile.TemporaryFile() as out:
        text = io.TextIOWrapper(out, encoding="utf-8")
        builder.write_json(accuse_header, text)
        text.flush()
        out.seek(0)
        submission.accuse_json.save("accuse-traitement.json", File(out), save=False)
        text.detach()
    submission.status = (
        SubmissionStatus.PROCESSED if status == PROCESSED else SubmissionStatus.REJECTED
    )
    submission.error_message = message
    submission.ok_count, submission.ko_count = builder.ok_count, builder.ko_count
    submission.preview = builder.preview
    submission.processed_at = now
    submission.worker = None  # finished: no run holds it any more
    submission.save()
    builder.close()
    return submission
