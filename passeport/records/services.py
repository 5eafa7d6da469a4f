"""The only way records are written: stored, revised, cancelled, published, expired.

Every write is journaled in the same transaction. Ingest, prevention declarations and
the holder's own forms all call these functions; none writes records around them.
"""

import copy
import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from passeport.core.bulk import bulk_insert, new_instance
from passeport.journal import services as journal
from passeport.journal.actors import Actor

from .enums import DECLARED_SOURCES, Assurance, Publication, RecordStatus, SourceKind
from .models import (
    Certification,
    DeclaredItem,
    EmploymentPeriod,
    Engagement,
    PreventionTraining,
    Record,
    Training,
)


class RecordError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Provenance:
    source_kind: str
    received_at: datetime.datetime
    declarant: object | None = None  # an Organisation
    reference: str = ""

    @classmethod
    def from_holder(cls, received_at: datetime.datetime | None = None) -> "Provenance":
        return cls(SourceKind.HOLDER, received_at or timezone.now())

    @property
    def assurance(self) -> str:
        if self.source_kind in DECLARED_SOURCES:
            return Assurance.DECLARED
        return Assurance.GUARANTEED


def build_record(model: type[Record], person, provenance: Provenance, **fields) -> Record:
    """An unsaved record of `model` with its provenance (for bulk paths: see store_many);
    built as `model(...)` builds it, without `Model.__init__`'s per-field dispatch."""
    return new_instance(
        model,
        person=person,
        source_kind=provenance.source_kind,
        declarant=provenance.declarant,
        received_at=provenance.received_at,
        source_reference=provenance.reference[:255],
        assurance=provenance.assurance,
        **fields,
    )


@transaction.atomic
def store(model: type[Record], person, *, provenance: Provenance, actor: Actor, **fields):
    record = build_record(model, person, provenance, **fields)
    record.full_clean(exclude=["person", "declarant"])
    record.save()
    journal.log_record_stored(record, actor)
    return record


def store_employment_period(person, *, provenance, actor, **fields) -> EmploymentPeriod:
    return store(EmploymentPeriod, person, provenance=provenance, actor=actor, **fields)


def store_certification(person, *, provenance, actor, **fields) -> Certification:
    return store(Certification, person, provenance=provenance, actor=actor, **fields)


def store_training(person, *, provenance, actor, **fields) -> Training:
    return store(Training, person, provenance=provenance, actor=actor, **fields)


def store_prevention_training(person, *, provenance, actor, **fields) -> PreventionTraining:
    return store(PreventionTraining, person, provenance=provenance, actor=actor, **fields)


def store_engagement(person, *, provenance, actor, **fields) -> Engagement:
    return store(Engagement, person, provenance=provenance, actor=actor, **fields)


def store_declared_item(person, *, actor, received_at=None, **fields) -> DeclaredItem:
    return store(
        DeclaredItem,
        person,
        provenance=Provenance.from_holder(received_at),
        actor=actor,
        **fields,
    )


@transaction.atomic
def store_many(records: Sequence[Record], *, actor: Actor) -> int:
    """Bulk path for imports and demo data: records built with `build_record`, checked
    by the database constraints rather than one `full_clean` each, journaled in bulk."""
    by_model: dict[type[Record], list[Record]] = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    for model, rows in by_model.items():
        bulk_insert(model, rows)
    journal.append(journal.record_event("record.stored", record, actor) for record in records)
    return len(records)


@transaction.atomic
def revise(record: Record, *, actor: Actor, reason: str, provenance=None, **changes) -> Record:
    """A correction: a new version with `changes`; the current one becomes superseded."""
    current = type(record).objects.select_for_update().get(pk=record.pk)
    if current.status != RecordStatus.ACTIVE and current.status != RecordStatus.EXPIRED:
        raise RecordError("Seule la version en vigueur d'une entrée peut être corrigée.")
    if not reason.strip():
        raise RecordError("Le motif de la correction est obligatoire.")
    now = timezone.now()
    new = copy.deepcopy(current)  # the locked row, not a second read of it
    new.pk = new.id = None
    new._state.adding = True
    new.public_id = uuid.uuid4()
    new.version = current.version + 1
    new.status, new.status_changed_at, new.status_reason = RecordStatus.ACTIVE, now, reason
    if provenance is not None:
        new.source_kind = provenance.source_kind
        new.declarant = provenance.declarant
        new.received_at = provenance.received_at
        new.source_reference = provenance.reference[:255]
        new.assurance = provenance.assurance
    for name, value in changes.items():
        setattr(new, name, value)
    new.full_clean(exclude=["person", "declarant", "lineage"])
    current.status, current.status_changed_at, current.status_reason = (
        RecordStatus.SUPERSEDED,
        now,
        reason,
    )
    # The new version replaces the old one in shares and CVs only if the holder
    # publishes it again; a withdrawn old version is never left published.
    current.publication, current.published_at = Publication.PRIVATE, None
    new.publication, new.published_at = Publication.PRIVATE, None
    current.save(
        update_fields=[
            "status",
            "status_changed_at",
            "status_reason",
            "publication",
            "published_at",
        ]
    )
    new.save()
    journal.log_record_revised(new, current, actor, reason)
    return new


@transaction.atomic
def cancel(record: Record, *, actor: Actor, reason: str) -> Record:
    record = type(record).objects.select_for_update().get(pk=record.pk)
    if record.status == RecordStatus.CANCELLED:
        return record
    if record.status == RecordStatus.SUPERSEDED:
        raise RecordError("Une version remplacée ne peut pas être annulée : annulez la dernière.")
    if not reason.strip():
        raise RecordError("Le motif de l'annulation est obligatoire.")
    record.status, record.status_changed_at, record.status_reason = (
        RecordStatus.CANCELLED,
        timezone.now(),
        reason,
    )
    record.publication, record.published_at = Publication.PRIVATE, None
    record.save(
        update_fields=[
            "status",
            "status_changed_at",
            "status_reason",
            "publication",
            "published_at",
        ]
    )
    journal.log_record_cancelled(record, actor, reason)
    return record


@transaction.atomic
def set_publication(records: Iterable[Record], *, published: bool, actor: Actor) -> list[Record]:
    """Publishes or withdraws records; only current versions can be published."""
    changed = []
    now = timezone.now()
    target = Publication.PUBLISHED if published else Publication.PRIVATE
    for record in records:
        if published and record.status not in (RecordStatus.ACTIVE, RecordStatus.EXPIRED):
            raise RecordError("Seule une entrée en vigueur peut être publiée.")
        if record.publication == target:
            continue
        record.publication = target
        record.published_at = now if published else None
        record.save(update_fields=["publication", "published_at"])
        changed.append(record)
    journal.log_records_published(changed, actor, published)
    return changed


@transaction.atomic
def expire_due(day: datetime.date, *, actor: Actor) -> int:
    """Marks as expired the active records whose validity ended before `day`."""
    count = 0
    now = timezone.now()
    for model in (Certification, PreventionTraining):
        due = list(
            model.objects.select_for_update().filter(
                status=RecordStatus.ACTIVE, valid_until__lt=day
            )
        )
        for record in due:
            record.status, record.status_changed_at, record.status_reason = (
                RecordStatus.EXPIRED,
                now,
                "Fin de validité atteinte",
            )
        model.objects.bulk_update(due, ["status", "status_changed_at", "status_reason"])
        journal.append(journal.record_event("record.expired", record, actor) for record in due)
        count += len(due)
    return count
