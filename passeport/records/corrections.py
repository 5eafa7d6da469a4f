"""Reports of errors in guaranteed entries: opened by the holder, routed to the entry's
declarant (or the operator), answered, closed. Every change is logged as a transition
and journaled."""

import logging

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse

from passeport.jobs.mail import send_after_commit
from passeport.journal.actors import Actor
from passeport.journal.services import Event, log
from passeport.organisations.enums import MembershipRole

from .models import Record
from .models.corrections import (
    CORRECTION_TRANSITIONS,
    CorrectionRequest,
    CorrectionStatus,
    CorrectionTransition,
)

logger = logging.getLogger(__name__)
SERVICE_NAME = "Passeport de compétences"


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
    notify_declarant(request)
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


# --- The declarant's side -------------------------------------------------------------

# Open first, then answered, then closed.
STATUS_RANK = models.Case(
    models.When(status=CorrectionStatus.OPEN, then=models.Value(0)),
    models.When(status=CorrectionStatus.ANSWERED, then=models.Value(1)),
    default=models.Value(2),
    output_field=models.IntegerField(),
)


def for_declarant(organisation, status: str | None = None):
    """The requests addressed to an organisation: open first, then answered, then closed,
    the most recent first within each."""
    queryset = CorrectionRequest.objects.filter(declarant=organisation)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.annotate(status_rank=STATUS_RANK).order_by("status_rank", "-created_at", "-pk")


def open_count(organisation_ref):
    """A subquery: how many open requests the organisation `organisation_ref` (an OuterRef)
    has; to annotate a list of organisations or memberships in a single query."""
    counts = (
        CorrectionRequest.objects.filter(declarant=organisation_ref, status=CorrectionStatus.OPEN)
        .order_by()
        .values("declarant")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(models.Subquery(counts, output_field=models.IntegerField()), models.Value(0))


def record_model(request: CorrectionRequest) -> type[Record] | None:
    try:
        model = apps.get_model(request.record_type)
    except (LookupError, ValueError):
        return None
    return model if issubclass(model, Record) else None


def reported_record(request: CorrectionRequest) -> Record | None:
    """The version of the entry the holder reported (None if it no longer exists)."""
    model = record_model(request)
    if model is None:
        return None
    return (
        model.objects.select_related("declarant")
        .filter(
            person_id=request.person_id, lineage=request.lineage, version=request.record_version
        )
        .first()
    )


def latest_version(request: CorrectionRequest) -> Record | None:
    """The newest version of the reported entry (a correction makes a new version)."""
    model = record_model(request)
    if model is None:
        return None
    return (
        model.objects.filter(person_id=request.person_id, lineage=request.lineage)
        .order_by("-version")
        .first()
    )


def notify_declarant(request: CorrectionRequest) -> None:
    """E-mails the administrators of the declarant organisation, once the request is
    committed. Nothing about the holder in the message (an e-mail travels): the kind of
    entry and a link to the professionals' space, where reading it is journaled."""
    organisation = request.declarant
    if organisation is None:
        return
    recipients = sorted(
        {
            email.lower()
            for email in organisation.memberships.filter(
                role=MembershipRole.ADMIN, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        }
    )
    if not recipients:
        return
    model = record_model(request)
    context = {
        "service_name": SERVICE_NAME,
        "organisation": organisation,
        "kind_label": (model.kind_label if model else "").lower() or "entrée",
        "url": settings.SITE_URL.rstrip("/")
        + reverse("pro:correction", args=[organisation.public_id, request.public_id]),
    }
    subject = f"Un titulaire signale une erreur dans une déclaration de {organisation.name}"
    body = render_to_string("pro/emails/correction_requested.txt", context)
    html = render_to_string("pro/emails/correction_requested.html", context)
    messages = []
    for email in recipients:  # one message each: administrators do not see each other
        message = EmailMultiAlternatives(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email]
        )
        message.attach_alternative(html, "text/html")
        messages.append(message)

    send_after_commit(messages, "correction_requested")
