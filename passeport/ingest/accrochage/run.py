"""Processing the passages of one accrochage file, a chunk at a time in one transaction:
each passage checked (`checks`), its holder found (`identify`), then created, revised,
left unchanged or cancelled — idempotent per certifier + idTechnique
(`AccrochagePassage`)."""

import functools

from django.db import transaction

from passeport.core.bulk import bulk_insert
from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation
from passeport.records import services as records
from passeport.records.enums import RecordStatus, SourceKind
from passeport.records.models import Certification

from . import checks, reader
from .accuse import (
    CANCELLED,
    CREATED,
    REVISED,
    UNCHANGED,
    Outcome,
)
from .checks import Rejection
from .identify import Identifier
from .models import AccrochagePassage, AccrochageSubmission, PassageStatus


class Run:
    """Processing state for one file: certifier, header checks, fiches, seen ids."""

    def __init__(self, submission: AccrochageSubmission, header: reader.FluxHeader):
        self.submission = submission
        self.certifier = submission.certifier
        self.header = header
        self.actor = Actor.for_organisation(self.certifier)
        self.file_error = checks.file_error(self.certifier, header)
        self.certifications = [checks.certification(c) for c in header.certifications]
        self.emitter_errors = [
            checks.emitter_error(self.certifier, header, c) for c in header.certifications
        ]
        self.identifier = Identifier()
        self.seen: set[str] = set()

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
            self.identifier.prepare(passages)
            self.currents = _current_records([row.lineage for row in known.values()])
            outcomes = [self._one(passage, known) for passage in passages]
            records.store_many(self.new_records, actor=self.actor)
            bulk_insert(AccrochagePassage, self.new_rows)
            if before_commit is not None:
                before_commit()
        return outcomes

    def _one(self, passage: reader.Passage, known: dict) -> Outcome:
        header = self.header.certifications[passage.certification]
        certification = self.certifications[passage.certification]
        code = (
            certification.code
            if isinstance(certification, checks.ResolvedCertification)
            else header.code
        )
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
            fields = checks.fields(passage, certification, self.certifier)
            warning = checks.period_warning(passage, certification) or certification.warning
            person = self.identifier.match(passage.identification)
            result, note = self._store(passage, header, fields, person, existing)
            return outcome(passage.action, result, message=" ".join(filter(None, [warning, note])))
        except Rejection as rejection:
            return outcome(passage.action, error_code=rejection.code, message=rejection.message)

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
