"""The employer's verification of a provider's declaration (décret 2025-748): confirm or ask
for a correction until the line's `review_deadline`; past it, a pending line is deemed
verified (`settle_reviews` stores it, `effective_review_status` computes it on display)."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from passeport.journal import services as journal
from passeport.journal.actors import Actor

from ..enums import LineStatus, ReviewStatus
from ..models import DeclarationLine
from .errors import LifecycleError
from .history import event
from .permissions import member_actor

REVIEWABLE = (ReviewStatus.PENDING, ReviewStatus.CONFIRMED, ReviewStatus.CORRECTION_REQUESTED)


# --- Review states ----------------------------------------------------------------------


def effective_review_status(line: DeclarationLine, today: datetime.date | None = None) -> str:
    """The review state as of `today`: a pending line past its deadline is deemed
    verified even before the daily command has stored it."""
    today = today or timezone.localdate()
    if (
        line.review_status == ReviewStatus.PENDING
        and line.review_deadline is not None
        and line.review_deadline < today
    ):
        return ReviewStatus.DEEMED_VERIFIED
    return line.review_status


def review_open(line: DeclarationLine, today: datetime.date | None = None) -> bool:
    """The employer may still confirm or ask for a correction."""
    today = today or timezone.localdate()
    return (
        line.status == LineStatus.ACTIVE
        and line.review_status in REVIEWABLE
        and line.review_deadline is not None
        and today <= line.review_deadline
    )


def effective_review_q(status: str, today: datetime.date) -> Q:
    """A filter on `DeclarationLine` for an effective review status (see
    `effective_review_status`)."""
    if status == ReviewStatus.PENDING:
        return Q(review_status=ReviewStatus.PENDING, review_deadline__gte=today)
    if status == ReviewStatus.DEEMED_VERIFIED:
        return Q(review_status=ReviewStatus.DEEMED_VERIFIED) | Q(
            review_status=ReviewStatus.PENDING, review_deadline__lt=today
        )
    return Q(review_status=status)


# --- The employer's verification -------------------------------------------------------


def _locked_for_review(line, organisation, today) -> DeclarationLine:
    line = (
        DeclarationLine.objects.select_for_update(of=("self",))
        .select_related("declaration__declarant")
        .get(pk=line.pk)
    )
    if line.employer_id != organisation.pk or line.review_status == ReviewStatus.NOT_APPLICABLE:
        raise LifecycleError(f"{organisation.name} n'a pas à vérifier cette déclaration.")
    if line.status != LineStatus.ACTIVE:
        raise LifecycleError("Cette déclaration a été annulée par l'organisme de formation.")
    if line.review_deadline < today:
        raise LifecycleError(
            f"Le délai de vérification a pris fin le {line.review_deadline:%d/%m/%Y} : la "
            "déclaration est réputée vérifiée."
        )
    return line


@transaction.atomic
def confirm(line, *, organisation, user, actor: Actor | None = None, today=None):
    today = today or timezone.localdate()
    line = _locked_for_review(line, organisation, today)
    if line.review_status == ReviewStatus.CONFIRMED:
        return line
    previous = line.review_status
    line.review_status = ReviewStatus.CONFIRMED
    line.reviewed_by, line.reviewed_at = user, timezone.now()
    line.save(update_fields=["review_status", "reviewed_by", "reviewed_at"])
    journal.log(
        event(
            actor or member_actor(user, organisation),
            "prevention.review_confirmed",
            line,
            {"organisation": organisation.name, "previous_review_status": previous},
        )
    )
    return line


@transaction.atomic
def request_correction(line, *, organisation, user, message, actor=None, today=None):
    """The employer asks the provider to correct the line; the message reaches the
    provider on its declaration's page (and by e-mail to its administrators)."""
    message = (message or "").strip()
    if not message:
        raise LifecycleError("Décrivez ce qui doit être corrigé.")
    if len(message) > 2000:
        raise LifecycleError("Le message dépasse 2 000 caractères.")
    today = today or timezone.localdate()
    line = _locked_for_review(line, organisation, today)
    if line.review_status == ReviewStatus.CORRECTION_REQUESTED:
        raise LifecycleError(
            "Une correction est déjà demandée : l'organisme de formation doit d'abord "
            "corriger sa déclaration."
        )
    previous = line.review_status
    line.review_status = ReviewStatus.CORRECTION_REQUESTED
    line.reviewed_by, line.reviewed_at = user, timezone.now()
    line.save(update_fields=["review_status", "reviewed_by", "reviewed_at"])
    journal.log(
        event(
            actor or member_actor(user, organisation),
            "prevention.review_correction_requested",
            line,
            {
                "organisation": organisation.name,
                "message": message,
                "previous_review_status": previous,
            },
        )
    )
    return line


SETTLE_ACTOR = Actor.system("settle_prevention_reviews")


def due_for_settlement(today: datetime.date):
    return DeclarationLine.objects.filter(
        review_status=ReviewStatus.PENDING, review_deadline__lt=today
    )


@transaction.atomic
def settle_reviews(today: datetime.date, *, batch_size: int = 1000) -> int:
    """Stores "deemed verified" on pending lines whose deadline has passed; returns how
    many. Idempotent: a settled line is no longer pending. Each line is journaled."""
    count = 0
    while True:
        batch = list(
            due_for_settlement(today)
            .select_for_update()
            .order_by("pk")
            .only("pk", "public_id", "person_id", "review_deadline")[:batch_size]
        )
        if not batch:
            return count
        now = timezone.now()
        DeclarationLine.objects.filter(pk__in=[line.pk for line in batch]).update(
            review_status=ReviewStatus.DEEMED_VERIFIED, reviewed_at=now, reviewed_by=None
        )
        journal.append(
            event(
                SETTLE_ACTOR,
                "prevention.review_deemed_verified",
                line,
                {"review_deadline": line.review_deadline.isoformat()},
            )
            for line in batch
        )
        count += len(batch)
