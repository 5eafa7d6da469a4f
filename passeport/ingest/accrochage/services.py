"""From a certifier's accrochage file to certification records and an accusé de traitement.

`submit_accrochage` is the one way in (portal, command, later the API): it keeps the file,
then processes it now or, for a large file, in a background thread started after commit.

Rules decided here (see also the README section):

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
import dataclasses
import datetime
import functools
import hashlib
import io
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from itertools import islice

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from passeport.core.bulk import bulk_insert
from passeport.core.claims import Claims
from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation
from passeport.people.enums import FRANCE_COUNTRY_CODE
from passeport.people.matching import (
    BirthIdentity,
    MatchError,
    birth_identity_candidates,
    decide_birth_identity,
    match_many_by_nir,
    name_key,
)
from passeport.records import services as records
from passeport.records.enums import LanguageLevel, RecordStatus, SourceKind
from passeport.records.models import Certification
from passeport.referentials.models import Fiche

from . import reader
from .accuse import (
    CANCELLED,
    CREATED,
    PROCESSED,
    REJECTED,
    REVISED,
    UNCHANGED,
    AccuseBuilder,
    AccuseHeader,
    Outcome,
)
from .models import AccrochagePassage, AccrochageSubmission, PassageStatus, SubmissionStatus

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1000
DEFAULT_SYNC_MAX_BYTES = 2 * 1024 * 1024  # ≈ 1,500 passages: a few seconds at most

MENTIONS = {
    "SANS_MENTION": "Sans mention",
    "MENTION_ASSEZ_BIEN": "Mention assez bien",
    "MENTION_BIEN": "Mention bien",
    "MENTION_TRES_BIEN": "Mention très bien",
    "MENTION_TRES_BIEN_AVEC_FELICITATIONS_DU_JURY": (
        "Mention très bien avec les félicitations du jury"
    ),
}


def max_bytes() -> int:
    return getattr(settings, "ACCROCHAGE_MAX_BYTES", reader.DEFAULT_MAX_BYTES)


def sync_max_bytes() -> int:
    return getattr(settings, "ACCROCHAGE_SYNC_MAX_BYTES", DEFAULT_SYNC_MAX_BYTES)


class Rejection(Exception):
    """One passage refused: `code` for programs, `message` (French) for the accusé."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


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
    run = _Run(submission, header)
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


@dataclasses.dataclass(frozen=True)
class _Certification:
    kind: str
    code: str
    fiche: Fiche
    warning: str = ""
    # Set when the fiche is inactive without an active successor: the award date must
    # fall within its registration period.
    must_check_period: bool = False


class _Run:
    """Processing state for one file: certifier, header checks, fiches, seen ids."""

    def __init__(self, submission: AccrochageSubmission, header: reader.FluxHeader):
        self.submission = submission
        self.certifier = submission.certifier
        self.header = header
        self.actor = Actor.for_organisation(self.certifier)
        self.file_error = self._file_error()
        self.certifications = [self._certification(c) for c in header.certifications]
        self.emitter_errors = [self._emitter_error(c) for c in header.certifications]
        self.seen: set[str] = set()

    # File-level checks, reported on every passage.
    def _file_error(self) -> Rejection | None:
        expected = self.certifier.certifier_id_client
        if self.header.certifier_id_client != expected:
            return Rejection(
                "certifier_mismatch",
                f"L'idClient du certificateur dans le fichier ({self.header.certifier_id_client})"
                f" n'est pas celui de l'organisation qui dépose ({expected}).",
            )
        contract = self.certifier.certifier_id_contrat
        if contract and self.header.contract_id != contract:
            return Rejection(
                "contract_mismatch",
                f"L'idContrat du fichier ({self.header.contract_id}) n'est pas celui du "
                f"certificateur ({contract}).",
            )
        return None

    def _emitter_error(self, certification: reader.CertificationHeader) -> Rejection | None:
        emitter = self.header.emitter_id_client
        if emitter == self.certifier.certifier_id_client:
            return None
        if certification.nature == "TIERS_CONFIANCE":
            return None  # a mandated third party sends for the certifier
        return Rejection(
            "emitter_mismatch",
            f"L'émetteur du fichier (idClient {emitter}) n'est pas le certificateur "
            f"({self.certifier.certifier_id_client}) et ne se déclare pas tiers de confiance "
            "(natureDeposant TIERS_CONFIANCE).",
        )

    def _certification(self, certification: reader.CertificationHeader):
        kind = certification.type.strip().upper()
        if kind not in ("RNCP", "RS"):
            return Rejection(
                "certification_type",
                f"Type de certification « {certification.type} » inconnu : RNCP ou RS attendu.",
            )
        code = certification.code.strip().upper().replace(" ", "")
        if code.isdigit():
            code = kind + code
        if not re.fullmatch(rf"{kind}\d+", code):
            return Rejection(
                "certification_code_type",
                f"Le code de certification « {certification.code} » ne correspond pas au "
                f"type {kind} (attendu : {kind} suivi de chiffres).",
            )
        fiche = Fiche.objects.filter(code=code).first()
        if fiche is None:
            return Rejection(
                "unknown_certification",
                f"Le code de certification {code} est inconnu du répertoire national (RNCP / "
                "Répertoire spécifique).",
            )
        if fiche.active:
            return _Certification(kind, code, fiche)
        latest = fiche.resolve_active()
        if latest.active:
            return _Certification(
                kind,
                code,
                fiche,
                warning=(
                    f"La certification {code} n'est plus active ; elle est remplacée par "
                    f"{latest.code}. Le passage est enregistré sous le code envoyé."
                ),
            )
        return _Certification(kind, code, fiche, must_check_period=True)

    def process(self, passages: list[reader.Passage], before_commit=None) -> list[Outcome]:
        """The chunk's outcomes, stored in one transaction; `before_commit()` runs last in
        it (it may raise to undo the chunk)."""
        ids = [passage.id_technique for passage in passages]
        with transaction.atomic():
            # One file of a certifier at a time: two files re-sending the same passage
            # must not both create it.
            list(
                Organisation.objects.select_for_update()
                .filter(pk=self.certifier.pk)
                .values_list("pk", flat=True)
            )
            known = {
                row.id_technique: row
                for row in AccrochagePassage.objects.filter(
                    certifier=self.certifier, id_technique__in=ids
                )
            }
            self.new_records, self.new_rows = [], []
            # One query (or a few) per chunk for each lookup, not one per passage.
            self._prepare_matches(passages)
            self.currents = _current_records([row.lineage for row in known.values()])
            outcomes = [self._one(passage, known) for passage in passages]
            records.store_many(self.new_records, actor=self.actor)
            bulk_insert(AccrochagePassage, self.new_rows)
            if before_commit is not None:
                before_commit()
        return outcomes

    def _prepare_matches(self, passages: list[reader.Passage]) -> None:
        identifications = [passage.identification for passage in passages]
        holders = [i for i in identifications if isinstance(i, reader.Holder)]
        self.identities = {id(holder): _birth_identity(holder) for holder in holders}
        self.candidates = birth_identity_candidates(self.identities.values())
        nirs = [i for i in identifications if isinstance(i, reader.NationalIdentifier)]
        found = match_many_by_nir([(i.nir, i.birth_name) for i in nirs])
        self.nir_matches = {id(i): result for i, result in zip(nirs, found, strict=True)}

    def _one(self, passage: reader.Passage, known: dict) -> Outcome:
        header = self.header.certifications[passage.certification]
        certification = self.certifications[passage.certification]
        code = certification.code if isinstance(certification, _Certification) else header.code
        outcome = functools.partial(Outcome, passage.id_technique, code, passage.line)
        try:
            if passage.id_technique in self.seen:
                raise Rejection(
                    "duplicate_in_file",
                    "Cet idTechnique figure déjà plus haut dans ce fichier : un passage n'est "
                    "envoyé qu'une fois par fichier.",
                )
            self.seen.add(passage.id_technique)
            for error in (self.file_error, self.emitter_errors[passage.certification]):
                if error is not None:
                    raise error
            existing = known.get(passage.id_technique)
            if passage.action == reader.SUPPRESSION:
                return outcome(passage.action, *self._suppress(passage, existing))
            if isinstance(certification, Rejection):
                raise certification
            fields = self._fields(passage, certification)
            warning = self._period_warning(passage, certification) or certification.warning
            person = self._match(passage.identification)
            result, note = self._store(passage, header, fields, person, existing)
            return outcome(passage.action, result, message=" ".join(filter(None, [warning, note])))
        except Rejection as rejection:
            return outcome(passage.action, error_code=rejection.code, message=rejection.message)

    # Checks of the passage's content.
    def _fields(self, passage: reader.Passage, certification: _Certification) -> dict:
        if passage.valid_until and passage.valid_until < passage.valid_from:
            raise Rejection(
                "validity_dates",
                f"La date de fin de validité ({_fr(passage.valid_until)}) précède la date de "
                f"début de validité ({_fr(passage.valid_from)}).",
            )
        if passage.exam_start and passage.exam_end and passage.exam_end < passage.exam_start:
            raise Rejection(
                "exam_dates",
                f"La date de fin d'examen ({_fr(passage.exam_end)}) précède la date de début "
                f"d'examen ({_fr(passage.exam_start)}).",
            )
        if passage.exam_start and passage.valid_from < passage.exam_start:
            raise Rejection(
                "validity_before_exam",
                f"La validité commence ({_fr(passage.valid_from)}) avant le début de l'examen "
                f"({_fr(passage.exam_start)}).",
            )
        if passage.language_level_present and not passage.language_level:
            raise Rejection(
                "language_level_missing",
                "presenceNiveauLangueEuro vaut vrai mais niveauLangueEuropeen est absent.",
            )
        if passage.award_mode == "PAR_SCORING" and not passage.scoring:
            raise Rejection(
                "scoring_missing", "Une certification obtenue par score (PAR_SCORING) a un score."
            )
        fiche = certification.fiche
        return {
            "certification_kind": certification.kind,
            "code": certification.code,
            "title": fiche.title[:500],
            "level": fiche.level,
            "certifier": self.certifier,
            "certifier_name": self.certifier.name[:255],
            # The award date is the start of validity (the certificate's date).
            "awarded_on": passage.valid_from,
            "valid_from": passage.valid_from,
            "valid_until": passage.valid_until,
            "award_mode": passage.award_mode,
            "option_label": passage.option_label[:255],
            "mention": MENTIONS.get(passage.mention, ""),
            "language_level": (
                passage.language_level if passage.language_level in LanguageLevel.values else ""
            ),
            "digital_level": str(passage.digital_score) if passage.digital_score else "",
            "exam_start": passage.exam_start,
            "exam_end": passage.exam_end,
        }

    def _period_warning(self, passage, certification: _Certification) -> str:
        if not certification.must_check_period:
            return ""
        fiche, awarded = certification.fiche, passage.valid_from
        start, end = fiche.registered_on, fiche.expires_on
        if start and end and start <= awarded <= end:
            return (
                f"La certification {certification.code} n'est plus active ; le passage est "
                "accepté car obtenu pendant sa période d'enregistrement."
            )
        period = f" (du {_fr(start)} au {_fr(end)})" if start and end else ""
        raise Rejection(
            "inactive_certification",
            f"La certification {certification.code} n'est plus active et n'a pas de successeur "
            f"actif ; la date d'obtention ({_fr(awarded)}) n'est pas dans sa période "
            f"d'enregistrement{period}.",
        )

    # Finding the person.
    def _match(self, identification):
        if isinstance(identification, reader.TrainingFile):
            raise Rejection(
                "unknown_training_file",
                "Dossier de formation inconnu : l'identification par numéro de dossier CPF "
                "(idDossier) n'est pas encore possible. Identifiez le titulaire par son "
                "identité de naissance (titulaire) ou son NIR (identifiantNational).",
            )
        try:
            if isinstance(identification, reader.NationalIdentifier):
                result = self.nir_matches[id(identification)]
                if isinstance(result, MatchError):
                    raise result
                return result
            return self._match_holder(identification)
        except MatchError as error:
            raise Rejection(error.code, error.message) from None

    def _match_holder(self, holder: reader.Holder):
        identity = self.identities[id(holder)]
        pool = self.candidates.get((name_key(identity.birth_name), identity.birth_year), [])
        try:
            person = decide_birth_identity(identity, pool)
        except MatchError as error:
            if error.code == "no_match":
                _diagnose(identity, pool)
            raise
        if holder.postcode and not _postcode_agrees(holder.postcode, person.birth_commune_code):
            raise Rejection("birthplace_mismatch", BIRTHPLACE_MISMATCH)
        return person

    # Writing.
    def _store(self, passage, header, fields, person, existing) -> tuple[str, str]:
        digest = passage.digest(header)
        current = self.currents.get(existing.lineage) if existing else None
        if (
            existing is not None
            and existing.status == PassageStatus.ACTIVE
            and current is not None
            and existing.content_digest == digest
            and existing.person_id == person.pk
        ):
            if existing.last_submission_id == self.submission.pk:
                # Stored by this very file's interrupted run: said as it was then.
                return (CREATED if current.version == 1 else REVISED), ""
            return UNCHANGED, ""
        provenance = records.Provenance(
            SourceKind.ACCROCHAGE,
            received_at=self.submission.received_at,
            declarant=self.certifier,
            reference=(
                f"{self.submission.file_name} — idFlux {self.header.id_flux} — "
                f"idTechnique {passage.id_technique}"
            ),
        )
        note = ""
        if current is not None and current.person_id == person.pk:
            try:
                records.revise(
                    current,
                    actor=self.actor,
                    reason=f"Passage {passage.id_technique} modifié par le certificateur"[:255],
                    provenance=provenance,
                    **fields,
                )
            except records.RecordError as error:
                raise Rejection("record_error", error.message) from None
            self._update_row(existing, current.lineage, person, digest)
            return REVISED, ""
        if current is not None:  # the certifier now names another person
            records.cancel(
                current,
                actor=self.actor,
                reason=f"Passage {passage.id_technique} rattaché à un autre titulaire"[:255],
            )
            note = "La certification précédemment rattachée à un autre titulaire est annulée."
        record = records.build_record(Certification, person, provenance, **fields)
        self.new_records.append(record)
        if existing is None:
            self.new_rows.append(
                AccrochagePassage(
                    certifier=self.certifier,
                    id_technique=passage.id_technique,
                    lineage=record.lineage,
                    person=person,
                    content_digest=digest,
                    last_submission=self.submission,
                )
            )
            return CREATED, note
        self._update_row(existing, record.lineage, person, digest)
        return (REVISED if note else CREATED), note

    def _update_row(self, row, lineage, person, digest) -> None:
        row.lineage, row.person, row.content_digest = lineage, person, digest
        row.status, row.last_submission = PassageStatus.ACTIVE, self.submission
        row.save()

    def _suppress(self, passage, existing) -> tuple[str, ...]:
        if existing is None:
            raise Rejection(
                "unknown_passage",
                "Aucun passage portant cet idTechnique n'a été reçu de ce certificateur : rien "
                "à supprimer.",
            )
        if existing.status == PassageStatus.CANCELLED:
            return (CANCELLED,)
        current = self.currents.get(existing.lineage)
        if current is not None and current.status != RecordStatus.CANCELLED:
            records.cancel(
                current,
                actor=self.actor,
                reason=f"Suppression demandée par le certificateur ({passage.id_technique})"[:255],
            )
        existing.status, existing.last_submission = PassageStatus.CANCELLED, self.submission
        existing.save(update_fields=["status", "last_submission", "updated_at"])
        return (CANCELLED,)


def _current_records(lineages: list) -> dict:
    """The current (not superseded) version of each lineage's certification, if any."""
    currents: dict = {}
    for start in range(0, len(lineages), 500):
        rows = (
            Certification.objects.filter(lineage__in=lineages[start : start + 500])
            .exclude(status=RecordStatus.SUPERSEDED)
            .order_by("lineage", "-version")
        )
        for record in rows:
            currents.setdefault(record.lineage, record)
    return currents


BIRTHPLACE_MISMATCH = (
    "Le lieu de naissance ne correspond pas à celui du titulaire (commune ou code postal de "
    "naissance)."
)


def _birth_identity(holder: reader.Holder) -> BirthIdentity:
    country = FRANCE_COUNTRY_CODE
    if holder.country_code and holder.country_code != "100":
        country = "99" + holder.country_code  # the file gives the INSEE code without "99"
    commune = holder.commune_code
    if commune.startswith("99"):  # a country code given as birth "commune"
        country, commune = commune, ""
    if country != FRANCE_COUNTRY_CODE:
        commune = ""
    return BirthIdentity(
        birth_name=holder.birth_name,
        first_names=" ".join(holder.first_names),
        birth_year=holder.birth_year,
        birth_month=holder.birth_month,
        birth_day=holder.birth_day,
        sex=holder.sex or None,
        birth_commune_code=commune,
        birth_country_code=country,
    )


def _diagnose(identity: BirthIdentity, candidates: list) -> None:
    """No one matched: says which part disagrees when relaxing it finds exactly one
    person (the usual rejections are a birthplace or a birth date mismatch)."""
    attempts = []
    if identity.birth_commune_code:
        attempts.append(("birthplace_mismatch", BIRTHPLACE_MISMATCH, {"birth_commune_code": ""}))
    if identity.birth_month or identity.birth_day:
        attempts.append(
            (
                "birth_date_mismatch",
                "La date de naissance (mois ou jour) ne correspond pas à celle du titulaire.",
                {"birth_month": None, "birth_day": None},
            )
        )
    for code, message, relaxed in attempts:
        try:
            decide_birth_identity(dataclasses.replace(identity, **relaxed), candidates)
        except MatchError:
            continue
        raise Rejection(code, message)


def _postcode_agrees(postcode: str, commune_code: str) -> bool:
    """A postal code only tells the département (first 2 digits, 3 overseas)."""
    postcode = postcode.strip()
    if not commune_code or not postcode[:2].isdigit():
        return True  # nothing to compare on one side
    if postcode.startswith("97"):
        return commune_code[:3] == postcode[:3]
    if postcode.startswith("20"):
        return commune_code[:2] in ("20", "2A", "2B")
    return commune_code[:2] == postcode[:2]


def _fr(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
