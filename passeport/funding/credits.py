"""Which of a holder's funder credits may pay a training, and the return to the funder of
what is unused of a restricted credit past its date (décret 2025-341).

The ledger keeps one funder balance per account; it does not say which credit a purchase
spent. Both questions are therefore answered from the lines and the balance, in favour of
the holder: a credit that cannot pay this training is set aside whole, and at a credit's
end date what the holder spent is counted against it first (it returns only what the
balance still holds beyond the other live credits)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from passeport.cpf import ledger
from passeport.cpf.enums import MovementKind, MovementSource, Part
from passeport.cpf.rules import euros
from passeport.journal.actors import Actor

from .enums import LineStatus, TargetDimension
from .models import CreditLine, OrderRestriction


@dataclass(frozen=True)
class HolderCredit:
    """One credited line as the holder and the purchase see it."""

    line_id: int
    funder_name: str
    kind_label: str
    amount_cents: int
    credited_at: datetime.datetime | None
    ends_on: datetime.date | None
    restrictions: dict  # dimension → codes (empty: any eligible training)

    def usable_for(self, training, day: datetime.date) -> bool:
        if self.ends_on is not None and day > self.ends_on:
            return False
        return matches_restrictions(self.restrictions, training)

    @property
    def euros(self) -> str:
        return euros(self.amount_cents)

    def description(self) -> str:
        labels = dict(TargetDimension.choices)
        parts = [f"{labels[d].lower()} : {', '.join(c)}" for d, c in self.restrictions.items()]
        text = "toute formation éligible" if not parts else "réservé à " + " ; ".join(parts)
        if self.ends_on:
            text += f", utilisable jusqu'au {self.ends_on:%d/%m/%Y}"
        return text


def matches_restrictions(restrictions: dict, training) -> bool:
    """Every restricted dimension must match (one code of its list is enough)."""
    offered = {
        TargetDimension.CERTIFICATION: {training.certification_code},
        TargetDimension.ROME: set(training.rome_codes),
        TargetDimension.FORMACODE: set(training.formacodes),
        TargetDimension.PROVIDER: {training.provider_siret},
    }
    return all(offered.get(dim, set()) & set(codes) for dim, codes in restrictions.items())


def holder_credits(person, statuses=(LineStatus.CREDITED,)) -> list[HolderCredit]:
    """The holder's credited lines, with their order's restrictions: two queries."""
    lines = list(
        CreditLine.objects.filter(person=person, status__in=statuses)
        .select_related("order__funder")
        .order_by("credited_at", "pk")
    )
    restrictions: dict[int, dict] = defaultdict(lambda: defaultdict(list))
    order_ids = {line.order_id for line in lines if line.order.restricted}
    if order_ids:
        for order_id, dimension, code in OrderRestriction.objects.filter(
            order_id__in=order_ids
        ).values_list("order_id", "dimension", "code"):
            restrictions[order_id][dimension].append(code)
    return [
        HolderCredit(
            line_id=line.pk,
            funder_name=line.order.funder.name,
            kind_label=line.order.get_kind_display(),
            amount_cents=line.amount_cents - line.returned_cents,
            credited_at=line.credited_at,
            ends_on=line.order.ends_on,
            restrictions={d: sorted(c) for d, c in restrictions.get(line.order_id, {}).items()},
        )
        for line in lines
    ]


def usable_funder_cents(person, training, day: datetime.date) -> int:
    """The part of the holder's available funder balance that may pay `training`."""
    account = ledger.account_of(person)
    if account is None:
        return 0
    available = ledger.balances(account).available_of(Part.FUNDER)
    set_aside = sum(
        credit.amount_cents
        for credit in holder_credits(person)
        if not credit.usable_for(training, day)
    )
    return max(0, available - set_aside)


def return_unused_credits(day: datetime.date, *, actor: Actor) -> tuple[int, int]:
    """Lines of orders whose end date is before `day`: what is unused goes back to the
    funder (a FUNDER_RETURN movement). Idempotent: a returned line is not read again.
    Returns (lines closed, cents returned)."""
    due = (
        CreditLine.objects.filter(status=LineStatus.CREDITED, order__ends_on__lt=day)
        .select_related("order__funder", "person")
        .order_by("pk")
    )
    closed = returned = 0
    for line in due.iterator(chunk_size=500):
        returned += _return_line(line, day, actor)
        closed += 1
    return closed, returned


@transaction.atomic
def _return_line(line: CreditLine, day: datetime.date, actor: Actor) -> int:
    line = CreditLine.objects.select_for_update().select_related("order__funder").get(pk=line.pk)
    if line.status != LineStatus.CREDITED:
        return 0
    account = ledger.account_of(line.person)
    others = sum(
        CreditLine.objects.filter(person_id=line.person_id, status=LineStatus.CREDITED)
        .exclude(pk=line.pk)
        .values_list("amount_cents", flat=True)
    )
    taken = {}

    def plan(current: ledger.Balances) -> list[ledger.Entry]:
        unused = max(0, min(line.amount_cents, current.available_of(Part.FUNDER) - others))
        taken["cents"] = unused
        if not unused:
            return []
        return [
            ledger.Entry(
                kind=MovementKind.FUNDER_RETURN,
                part=Part.FUNDER,
                amount=-unused,
                source_kind=MovementSource.FUNDER,
                declarant=line.order.funder,
                reference=f"abondement {line.order.public_id}",
                occurred_on=day,
                details={"order": str(line.order.public_id), "line": line.number},
                reason="Date limite d'utilisation dépassée (décret 2025-341).",
            )
        ]

    if account is not None:
        ledger.post(account, plan, actor=actor)
    line.status = LineStatus.RETURNED
    line.returned_cents = taken.get("cents", 0)
    line.returned_at = timezone.now()
    line.save(update_fields=["status", "returned_cents", "returned_at"])
    return line.returned_cents
