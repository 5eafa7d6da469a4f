"""Reports of errors in guaranteed entries: opened by the holder, routed to the entry's
declarant (or the operator), answered, closed. Every change is logged as a transition
and journaled."""

from django.db import transaction

from passeport.journal.actors import Actor
from passeport.journal.services import Event, log

from .models import Record
from .models.corrections import (
    CORRECTION_TRANSITIONS,
    CorrectionRequest,
    CorrectionStatus,
    CorrectionTransition,
)


class CorrectionError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _journal(request: CorrectionRequest, action: str, actor: Actor) -> None:
    log(
        Event(
            actor,
            action,
            "records.CorrectionRequest",
            str(request.public_id),
            request.person_id,
            payload={
                "record_type": request.record_type,
                "lineage": str(request.lineage),
                "version": request.record_version,
                "status": request.status,
            },
        )
    )


def requests_for(record: Record):
    return CorrectionRequest.objects.filter(
        person_id=record.person_id, record_type=record._meta.label, lineage=record.lineage
    ).prefetch_related("transitions")


@transaction.atomic
def request_correction(record: Record, *, actor: Actor, message: str) -> CorrectionRequest:
    if not record.is_guaranteed:
        raise CorrectionError("Une entrée que vous avez déclarée se corrige directement.")
    if not message.strip():
        raise CorrectionError("Décrivez l'erreur constatée.")
    request = CorrectionRequest.objects.create(
        person_id=record.person_id,
        record_type=record._meta.label,
        lineage=record.lineage,
        record_version=record.version,
        declarant_id=record.declarant_id,
        message=message.strip(),
    )
    CorrectionTransition.objects.create(
        request=request,
        to_status=CorrectionStatus.OPEN,
        actor_kind=actor.kind,
        actor_label=actor.label,
    )
    _journal(request, "correction.requested", actor)
    return request


@transaction.atomic
def transition(
    request: CorrectionRequest, to_status: str, *, actor: Actor, note: str = ""
) -> CorrectionRequest:
    request = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    if to_status not in CORRECTION_TRANSITIONS[CorrectionStatus(request.status)]:
        raise CorrectionError(
            f"Un signalement « {request.get_status_display()} » ne peut pas devenir "
            f"« {CorrectionStatus(to_status).label} »."
        )
    previous = request.status
    request.status = to_status
    if to_status == CorrectionStatus.ANSWERED:
        if not note.strip():
            raise CorrectionError("La réponse est obligatoire.")
        request.answer = note.strip()
    request.save(update_fields=["status", "answer", "updated_at"])
    CorrectionTransition.objects.create(
        request=request,
        from_status=previous,
        to_status=to_status,
        actor_kind=actor.kind,
        actor_label=actor.label,
        note=note.strip(),
    )
    _journal(request, f"correction.{to_status}", actor)
    return request


def answer(request, *, actor: Actor, text: str) -> CorrectionRequest:
    return transition(request, CorrectionStatus.ANSWERED, actor=actor, note=text)


def close(request, *, actor: Actor, note: str = "") -> CorrectionRequest:
    return transition(request, CorrectionStatus.CLOSED, actor=actor, note=note)
