"""The plan of funding of a purchase, in the order of docs/domain.md (R6333-3, décret
2025-1156): restricted funder credits, then the holder's own rights (rights, then the
Compte d'engagement citoyen), then the funders' complementary top-ups, then the holder's
participation forfaitaire (unless a top-up exempts it), then the rest by card.

The participation cannot be paid with rights (cpf/contribution.py): rights cover at most
price − participation; what rights and top-ups leave is paid by card, participation
included."""

import datetime
from dataclasses import dataclass

from passeport.cpf import ledger
from passeport.cpf.contribution import Exemption, participation_forfaitaire
from passeport.cpf.enums import Part

from . import topups
from .enums import CodeKind


@dataclass(frozen=True)
class Plan:
    price_cents: int
    funder_cents: int
    rights_cents: int
    topups: tuple[topups.TopUp, ...]
    contribution_cents: int
    card_cents: int
    contribution_text: str

    @property
    def cpf_cents(self) -> int:
        """What the ledger reserves (funder credits + rights)."""
        return self.funder_cents + self.rights_cents

    @property
    def topups_cents(self) -> int:
        return sum(t.amount_cents for t in self.topups)

    @property
    def holder_cents(self) -> int:
        return self.contribution_cents + self.card_cents

    def as_json(self) -> list[dict]:
        return [
            {
                "funder_name": t.funder_name,
                "amount_cents": t.amount_cents,
                "exempts_contribution": t.exempts_contribution,
                "reference": t.reference,
            }
            for t in self.topups
        ]


def context(person, day, price_cents, session, available_cents: int) -> topups.PurchaseContext:
    action = session.action
    training = action.training
    codes = list(training.codes.all())
    return topups.PurchaseContext(
        person=person,
        day=day,
        price_cents=price_cents,
        rights_cents=available_cents,
        certification_code=training.certification_code,
        rome_codes=tuple(c.code for c in codes if c.kind == CodeKind.ROME),
        formacodes=tuple(c.code for c in codes if c.kind == CodeKind.FORMACODE),
        provider_siret=training.provider.siret,
        modality=action.modality,
        department_code=action.department_code,
        region_code=action.region_code,
    )


def compute(
    person,
    session,
    price_cents: int,
    day: datetime.date,
    *,
    balances: ledger.Balances | None = None,
    commit_reference: str = "",
    exemptions=(),
) -> Plan:
    """The plan for `person` buying `session` at `price_cents` on `day`. With
    `commit_reference`, the top-up providers commit (inside the caller's transaction);
    otherwise they only evaluate."""
    if balances is None:
        account = ledger.account_of(person)
        balances = ledger.balances(account) if account else ledger.Balances()
    own = balances.available_of(Part.RIGHTS) + balances.available_of(Part.CEC)
    funder_available = balances.available_of(Part.FUNDER)
    ctx = context(person, day, price_cents, session, own + funder_available)
    plugged = topups.providers()
    if plugged:
        funder_allowed = min(
            [funder_available] + [max(0, p.funder_credit_cents(ctx)) for p in plugged]
        )
    else:
        funder_allowed = funder_available
    participation = participation_forfaitaire(day, exemptions=exemptions)
    text = participation.explanation
    contribution = min(participation.cents, price_cents)
    # Whether a top-up would exempt the participation decides what the top-ups are asked
    # to cover: a first, read-only look.
    if contribution and any(
        topup.exempts_contribution and topup.amount_cents > 0
        for provider in plugged
        for topup in provider.evaluate(ctx)
    ):
        contribution = 0
        text = f"Pas de participation forfaitaire : {Exemption.EMPLOYER_COFUNDED.label.lower()}."
    # The participation cannot be paid with CPF rights nor by a top-up that does not
    # exempt it: rights, funder credits and top-ups cover at most price − participation.
    # The providers are told what is paid before them (credits, rights, participation),
    # so that what they commit is exactly what the plan grants.
    before = min(funder_allowed + own, price_cents - contribution) + contribution
    ctx = context(person, day, price_cents, session, before)
    offered = [
        topup
        for provider in plugged
        for topup in (
            provider.commit(ctx, commit_reference) if commit_reference else provider.evaluate(ctx)
        )
        if topup.amount_cents > 0
    ]
    coverable = price_cents - contribution
    funder = min(funder_allowed, coverable)
    rights = min(own, coverable - funder)
    remaining = coverable - funder - rights
    granted: list[topups.TopUp] = []
    for topup in offered:
        share = min(topup.amount_cents, remaining)
        if share <= 0:
            break
        granted.append(
            topups.TopUp(topup.funder_name, share, topup.exempts_contribution, topup.reference)
        )
        remaining -= share
    return Plan(price_cents, funder, rights, tuple(granted), contribution, remaining, text)
