"""The action plan a counselling organisation writes for a holder: steps written, moved
on and removed by its members while their access is in force, read by the holder at any
time. Each write is journaled on the holder."""

from django.db import transaction

from passeport.journal.actors import Actor
from passeport.journal.services import Event, log

from .enums import StepStatus
from .models import ActionStep


class PlanError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _journal(step: ActionStep, action: str, actor: Actor) -> None:
    log(
        Event(
            actor,
            f"orientation.plan_step_{action}",
            "orientation.ActionStep",
            str(step.public_id),
            step.person_id,
            payload={
                "organisation": step.organisation.name,
                "title": step.title,
                "status": step.status,
                "due_on": step.due_on.isoformat() if step.due_on else "",
            },
        )
    )


def steps_for(person, organisation=None):
    steps = ActionStep.objects.filter(person=person).select_related("organisation")
    if organisation is not None:
        steps = steps.filter(organisation=organisation)
    return steps.order_by("organisation__name", "status", "due_on", "created_at", "pk")


@transaction.atomic
def add_step(grant, *, title: str, detail: str = "", due_on=None, actor: Actor) -> ActionStep:
    if not title.strip():
        raise PlanError("Donnez un intitulé à l'étape.")
    step = ActionStep.objects.create(
        person=grant.person,
        organisation=grant.organisation,
        grant=grant,
        title=title.strip()[:255],
        detail=detail.strip(),
        due_on=due_on,
        author_label=actor.label[:255],
    )
    _journal(step, "written", actor)
    return step


@transaction.atomic
def set_status(step: ActionStep, status: str, *, actor: Actor) -> ActionStep:
    if status not in StepStatus.values:
        raise PlanError("État d'étape inconnu.")
    step.status = status
    step.save(update_fields=["status", "updated_at"])
    _journal(step, "updated", actor)
    return step


@transaction.atomic
def remove_step(step: ActionStep, *, actor: Actor) -> None:
    _journal(step, "removed", actor)
    step.delete()
