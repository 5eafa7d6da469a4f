"""The state machines of conventions, credit orders and rules: a table of allowed
transitions per model, a transition row per change, a journal entry per change."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from passeport.journal import services as journal
from passeport.journal.actors import Actor

from .enums import ConventionStatus, RuleStatus
from .models import (
    CONVENTION_TRANSITIONS,
    RULE_TRANSITIONS,
    Convention,
    ConventionTransition,
    Rule,
    RuleTransition,
)


class TransitionError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _move(obj, table, transition_model, fk: str, to_status: str, actor: Actor, note: str):
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if to_status not in table[locked.status]:
        labels = dict(type(obj)._meta.get_field("status").choices)
        raise TransitionError(
            f"Passage impossible de « {locked.get_status_display()} » à "
            f"« {labels.get(to_status, to_status)} »."
        )
    previous = locked.status
    locked.status = to_status
    transition_model.objects.create(
        **{fk: locked},
        from_status=previous,
        to_status=to_status,
        actor_label=actor.label[:255],
        note=note,
    )
    journal.log(
        journal.Event(
            actor,
            f"funding.{type(obj).__name__.lower()}_{to_status}",
            f"funding.{type(obj).__name__}",
            str(locked.public_id),
            payload={"from": previous, "to": to_status},
            plain=True,
        )
    )
    return locked


# --- conventions (an operator decides, in the admin) ---------------------------------------


@transaction.atomic
def decide_convention(
    convention: Convention, to_status: str, *, actor: Actor, note: str = ""
) -> Convention:
    if to_status == ConventionStatus.REFUSED and not note.strip():
        raise TransitionError("Un refus donne son motif.")
    # One approved convention per funder: none is ended silently, the approval is refused.
    if (
        to_status == ConventionStatus.APPROVED
        and Convention.objects.filter(
            funder=convention.funder, status=ConventionStatus.APPROVED
        ).exists()
    ):
        raise TransitionError("Ce financeur a déjà une convention approuvée.")
    locked = _move(
        convention,
        CONVENTION_TRANSITIONS,
        ConventionTransition,
        "convention",
        to_status,
        actor,
        note,
    )
    locked.decided_at = timezone.now()
    if note:
        locked.reason = note
    locked.save(update_fields=["status", "decided_at", "reason"])
    if to_status == ConventionStatus.ENDED:
        # Nothing of the funder stays live once its convention ends.
        for rule in Rule.objects.filter(
            funder=convention.funder, status__in=[RuleStatus.PUBLISHED, RuleStatus.SUSPENDED]
        ):
            move_rule(rule, RuleStatus.CLOSED, actor=actor, note="Convention terminée.")
    return locked


def has_approved_convention(funder, day=None) -> bool:
    day = day or timezone.localdate()
    return (
        Convention.objects.filter(
            funder=funder, status=ConventionStatus.APPROVED, starts_on__lte=day
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .exists()
    )


@transaction.atomic
def request_convention(funder, *, title: str, starts_on, actor: Actor) -> Convention:
    """A funder asks for a convention (an operator decides in the admin); one at a time."""
    if Convention.objects.filter(
        funder=funder, status__in=[ConventionStatus.SUBMITTED, ConventionStatus.APPROVED]
    ).exists():
        raise TransitionError("Une convention est déjà demandée ou approuvée.")
    convention = Convention.objects.create(funder=funder, title=title, starts_on=starts_on)
    ConventionTransition.objects.create(
        convention=convention, to_status=convention.status, actor_label=actor.label[:255]
    )
    journal.log(
        journal.Event(
            actor,
            "funding.convention_submitted",
            "funding.Convention",
            str(convention.public_id),
            plain=True,
        )
    )
    return convention


# --- rules (the funder publishes, suspends, closes) -----------------------------------------


@transaction.atomic
def move_rule(rule: Rule, to_status: str, *, actor: Actor, note: str = "") -> Rule:
    if to_status == RuleStatus.PUBLISHED and not has_approved_convention(rule.funder):
        raise TransitionError(
            "Une règle n'est publiée qu'une fois la convention du financeur approuvée."
        )
    locked = _move(rule, RULE_TRANSITIONS, RuleTransition, "rule", to_status, actor, note)
    fields = ["status"]
    if to_status == RuleStatus.PUBLISHED and locked.published_at is None:
        locked.published_at = timezone.now()
        fields.append("published_at")
    locked.save(update_fields=fields)
    return locked
