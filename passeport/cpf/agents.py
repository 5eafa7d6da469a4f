"""Public agents: CPF rights in hours, credited from the public employer's declaration of
the months of service in a year (25 h a year, ceiling 150 h; 50 h / 400 h for category C
agents without a level 3 qualification; a partial year pro rata of the months).

A person's year is recomputed from every employer's declaration for it (months added,
at most 12; the most favourable situation): the first result is an `AGENT_CREDIT`
(one per account and year, a database constraint), a changed result one adjustment.
Declaring the same thing again changes nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from passeport.journal.actors import Actor

from . import ledger, rules
from .enums import MovementKind, MovementSource, Part
from .models import AgentDeclaration, Movement

FIRST_YEAR = 2017  # décret 2017-928: the CPF of public agents


class AgentError(ValueError):
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


@transaction.atomic
def declare_agent(
    employer,
    person,
    *,
    year: int,
    months: int,
    low_qualified: bool,
    channel: str,
    actor: Actor,
    today: datetime.date | None = None,
) -> tuple[AgentDeclaration, Movement | None]:
    """Stores (or replaces) the employer's declaration for the agent's year and credits
    what it changes; returns the declaration and the movement written (None: unchanged)."""
    today = today or timezone.localdate()
    if not employer.is_public_employer:
        raise AgentError("Seul un employeur public déclare les heures de ses agents.")
    if year < FIRST_YEAR or year > today.year:
        raise AgentError(f"Année attendue entre {FIRST_YEAR} et {today.year}.", "year")
    if not 1 <= months <= 12:
        raise AgentError("Le nombre de mois de service est compris entre 1 et 12.", "months")
    declaration, _created = AgentDeclaration.objects.update_or_create(
        person=person,
        employer=employer,
        year=year,
        defaults={
            "months": months,
            "low_qualified": low_qualified,
            "channel": channel,
            "declared_at": timezone.now(),
        },
    )
    account = ledger.open_account(person, actor=actor)
    movements = ledger.post(
        account, lambda current: _plan(account, person, year, current), actor=actor
    )
    return declaration, (movements[0] if movements else None)


def _plan(account, person, year: int, current: ledger.Balances) -> list[ledger.Entry]:
    declared = list(
        AgentDeclaration.objects.filter(person=person, year=year)
        .select_related("employer")
        .order_by("employer__siret")
    )
    months = min(12, sum(d.months for d in declared))
    low = any(d.low_qualified for d in declared)
    hours, ceiling = rules.agent_hours(months, low_qualified=low)
    inputs = {"months": months, "low_qualified": low}
    previous = list(
        Movement.objects.filter(
            account=account,
            year=year,
            part=Part.HOURS,
            kind__in=[MovementKind.AGENT_CREDIT, MovementKind.ADJUSTMENT],
        )
        .order_by("seq")
        .values_list("seq", "kind", "amount", "details")
    )
    credited = sum(amount for _seq, _kind, amount, _details in previous)
    details = {
        **inputs,
        "annual_hundredths": rules.agent_hours(12, low_qualified=low)[0],
        "hours_hundredths": hours,
        "ceiling_hundredths": ceiling,
        "balance_before_hundredths": current.hours - credited,
        "employers": [d.employer.name for d in declared],
    }
    target = max(0, min(hours, ceiling - (current.hours - credited)))
    if not previous:
        kind, related, reason = MovementKind.AGENT_CREDIT, None, ""
    else:
        last = previous[-1][3]
        if {k: last.get(k) for k in inputs} == inputs:
            return []
        kind, related = MovementKind.ADJUSTMENT, previous[0][0]
        reason = (
            f"Déclaration de l'employeur public modifiée : {months} mois au lieu de "
            f"{last.get('months')}"
        )
    delta = target - credited if previous else target
    delta = max(delta, -current.hours)
    return [
        ledger.Entry(
            kind=kind,
            part=Part.HOURS,
            amount=delta,
            source_kind=MovementSource.PUBLIC_EMPLOYER,
            year=year,
            declarant=declared[0].employer,
            reference=f"Agent public {year}",
            related_seq=related,
            details=details,
            reason=reason,
        )
    ]


def low_qualified_agent(person) -> bool:
    return AgentDeclaration.objects.filter(person=person, low_qualified=True).exists()


def is_public_agent(person) -> bool:
    return AgentDeclaration.objects.filter(person=person).exists()
