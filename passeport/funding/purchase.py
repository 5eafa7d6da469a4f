"""The purchase side of funding, as the catalogue's plan of funding uses it (setting
`CATALOG_TOPUP_PROVIDERS = ["passeport.funding.purchase.FundingTopUps"]`).

`ctx` is any object with: person, day, price_cents, rights_cents, certification_code,
rome_codes, formacodes, provider_siret, modality, department_code, region_code.

- `funder_credit_cents(ctx)`: what of the holder's funder credits may pay this training;
- `evaluate(ctx)`: read-only, what live rules would give;
- `commit(ctx, file_reference)`: in the caller's transaction, under the envelopes' locks:
  the shares are re-evaluated and committed (never beyond an envelope); may be less than
  `evaluate` said; a second call for the same file returns what was committed;
- `release(file_reference)`: cancellation, the envelopes get it back (idempotent);
- `settle(file_reference, numerator, denominator)`: service fait, the committed amount
  is consumed pro rata, the rest returns to the envelopes (idempotent).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import credits, engine
from .alerts import alert_if_needed
from .enums import CommitmentStatus
from .models import Commitment, Envelope


@dataclass(frozen=True)
class PurchaseContext:
    person: object
    day: datetime.date
    price_cents: int
    rights_cents: int
    certification_code: str
    rome_codes: tuple
    formacodes: tuple
    provider_siret: str
    modality: str
    department_code: str
    region_code: str


@dataclass(frozen=True)
class TopUp:
    funder_name: str
    amount_cents: int
    exempts_contribution: bool
    reference: str  # the rule's public identifier


def _profile(ctx) -> engine.HolderProfile:
    return engine.profile_of(ctx.person, ctx.day, ctx.department_code, ctx.region_code)


class FundingTopUps:
    def funder_credit_cents(self, ctx) -> int:
        return credits.usable_funder_cents(ctx.person, engine.Training.of(ctx), ctx.day)

    def _shares(self, ctx, envelope_left=None) -> tuple[list, list[engine.Share]]:
        training = engine.Training.of(ctx)
        rules = engine.candidates(_profile(ctx), training, ctx.day)
        if envelope_left is None:
            envelope_left = {rule.envelope_id: rule.envelope.remaining_cents for rule in rules}
        received = engine.already_received(ctx.person, [rule.pk for rule in rules])
        return rules, engine.split(rules, training, received, envelope_left)

    def evaluate(self, ctx) -> list[TopUp]:
        rules, shares = self._shares(ctx)
        public = {rule.pk: rule.public_id for rule in rules}
        return [_top_up(share, public[share.rule_id]) for share in shares]

    def commit(self, ctx, file_reference: str) -> list[TopUp]:
        with transaction.atomic():
            existing = list(
                Commitment.objects.filter(
                    file_reference=file_reference, status=CommitmentStatus.COMMITTED
                ).select_related("rule__funder")
            )
            if existing:
                return [_committed(c) for c in existing]
            rules = engine.candidates(_profile(ctx), engine.Training.of(ctx), ctx.day)
            envelope_ids = sorted({rule.envelope_id for rule in rules})
            # The envelopes' rows, locked in a fixed order: concurrent acceptances wait
            # here and then see each other's commitments.
            locked = {
                envelope.pk: envelope
                for envelope in Envelope.objects.select_for_update()
                .filter(pk__in=envelope_ids)
                .order_by("pk")
            }
            left = {pk: envelope.remaining_cents for pk, envelope in locked.items()}
            received = engine.already_received(ctx.person, [rule.pk for rule in rules])
            shares = engine.split(rules, engine.Training.of(ctx), received, left)
            by_rule = {rule.pk: rule for rule in rules}
            made = []
            for share in shares:
                rule = by_rule[share.rule_id]
                made.append(
                    Commitment(
                        rule=rule,
                        envelope_id=share.envelope_id,
                        person=ctx.person,
                        file_reference=file_reference,
                        certification_code=ctx.certification_code[:20],
                        provider_siret=ctx.provider_siret[:14],
                        amount_cents=share.amount_cents,
                        exempts_contribution=share.exempts_contribution,
                    )
                )
                Envelope.objects.filter(pk=share.envelope_id).update(
                    committed_cents=F("committed_cents") + share.amount_cents
                )
            Commitment.objects.bulk_create(made)
            for envelope_id in {share.envelope_id for share in shares}:
                alert_if_needed(envelope_id)
            return [_top_up(share, by_rule[share.rule_id].public_id) for share in shares]

    def release(self, file_reference: str) -> None:
        self._close(file_reference, None)

    def settle(self, file_reference: str, numerator: int, denominator: int) -> None:
        if denominator <= 0 or not 0 <= numerator <= denominator:
            raise ValueError("Le prorata est une fraction entre 0 et 1.")
        self._close(file_reference, (numerator, denominator))

    def _close(self, file_reference: str, ratio) -> None:
        with transaction.atomic():
            envelope_ids = sorted(
                set(
                    Commitment.objects.filter(
                        file_reference=file_reference, status=CommitmentStatus.COMMITTED
                    ).values_list("envelope_id", flat=True)
                )
            )
            list(Envelope.objects.select_for_update().filter(pk__in=envelope_ids).order_by("pk"))
            open_ones = Commitment.objects.select_for_update().filter(
                file_reference=file_reference, status=CommitmentStatus.COMMITTED
            )
            now = timezone.now()
            for commitment in open_ones.order_by("pk"):
                consumed = 0
                if ratio is not None:
                    consumed = commitment.amount_cents * ratio[0] // ratio[1]
                Envelope.objects.filter(pk=commitment.envelope_id).update(
                    committed_cents=F("committed_cents") - commitment.amount_cents,
                    consumed_cents=F("consumed_cents") + consumed,
                )
                commitment.consumed_cents = consumed
                commitment.status = (
                    CommitmentStatus.RELEASED if ratio is None else CommitmentStatus.SETTLED
                )
                commitment.closed_at = now
                commitment.save(update_fields=["consumed_cents", "status", "closed_at"])


def _top_up(share: engine.Share, public_id) -> TopUp:
    return TopUp(
        funder_name=share.funder_name,
        amount_cents=share.amount_cents,
        exempts_contribution=share.exempts_contribution,
        reference=str(public_id),
    )


def _committed(commitment: Commitment) -> TopUp:
    return TopUp(
        funder_name=commitment.rule.funder.name,
        amount_cents=commitment.amount_cents,
        exempts_contribution=commitment.exempts_contribution,
        reference=str(commitment.rule.public_id),
    )
