"""Co-construction rules applied to one purchase: which live rules may apply (one SQL
query whatever their number: indexed columns and RuleTarget rows), and how their shares
combine.

Order of combination (documented in docs/architecture.md, tested in test_cases.py):
1. the holder's own rights come first (`rights_cents`, what the CPF account pays, funder
   credits included: R6333-3 puts restricted and supplementary dotations first);
2. rules then apply in the order of their publication (earliest first, then by rule), each
   seeing what the previous ones left; one rule per funder (its first that gives);
3. a fixed amount gives at most what remains; a percentage is of what remained after the
   rights (not after the other funders), at most what remains;
4. each share is capped by the rule's per-holder cap (less what the holder already
   received under it) and by what its envelope has left (less what earlier shares of the
   same purchase took from it).
What nobody covers is the holder's."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, Sum, When

from passeport.cpf.models import CpfAccount
from passeport.records.enums import RecordStatus
from passeport.records.models import EmploymentPeriod

from .enums import CommitmentStatus, ConventionStatus, RuleStatus, TargetDimension
from .models import Commitment, Rule, RuleTarget


@dataclass(frozen=True)
class HolderProfile:
    """Who the holder is, for the rules. At purchase it is built from the passport (age,
    DSN employment, declared qualification) and the residence the purchase gives; a funder
    simulating a rule types it."""

    age: int | None = None
    job_seeker: bool = False
    below_level_3: bool = False
    employer_sirets: frozenset = frozenset()
    department_code: str = ""
    region_code: str = ""


@dataclass(frozen=True)
class Training:
    price_cents: int
    rights_cents: int = 0
    certification_code: str = ""
    rome_codes: tuple = ()
    formacodes: tuple = ()
    provider_siret: str = ""
    modality: str = ""

    @classmethod
    def of(cls, ctx) -> "Training":
        return cls(
            price_cents=ctx.price_cents,
            rights_cents=ctx.rights_cents,
            certification_code=ctx.certification_code,
            rome_codes=tuple(ctx.rome_codes),
            formacodes=tuple(ctx.formacodes),
            provider_siret=ctx.provider_siret,
            modality=ctx.modality,
        )


@dataclass(frozen=True)
class Share:
    rule_id: int
    envelope_id: int
    funder_id: int
    funder_name: str
    amount_cents: int
    exempts_contribution: bool
    rule_name: str


def profile_of(person, day: datetime.date, department_code="", region_code="") -> HolderProfile:
    """Two queries: the holder's DSN employment on `day` (no open contract: looking for
    work, as far as the passport knows) and their declared qualification."""
    sirets = frozenset(
        EmploymentPeriod.objects.filter(
            person=person, status=RecordStatus.ACTIVE, start_date__lte=day
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .exclude(siret="")
        .values_list("siret", flat=True)
    )
    low = CpfAccount.objects.filter(person=person, low_qualified=True).exists()
    return HolderProfile(
        age=person.age_on(day),
        job_seeker=not sirets,
        below_level_3=low,
        employer_sirets=sirets,
        department_code=department_code,
        region_code=region_code,
    )


def _offered(profile: HolderProfile, training: Training) -> dict[str, set[str]]:
    return {
        TargetDimension.CERTIFICATION: {training.certification_code} - {""},
        TargetDimension.ROME: set(training.rome_codes),
        TargetDimension.FORMACODE: set(training.formacodes),
        TargetDimension.PROVIDER: {training.provider_siret} - {""},
        TargetDimension.DEPARTMENT: {profile.department_code} - {""},
        TargetDimension.REGION: {profile.region_code} - {""},
        TargetDimension.EMPLOYER: set(profile.employer_sirets),
    }


def live_rules(day: datetime.date):
    # One filter() for the convention's conditions: they apply to the same (joined) row.
    return Rule.objects.filter(
        Q(funder__funding_conventions__status=ConventionStatus.APPROVED)
        & Q(funder__funding_conventions__starts_on__lte=day)
        & (
            Q(funder__funding_conventions__ends_on__isnull=True)
            | Q(funder__funding_conventions__ends_on__gte=day)
        ),
        status=RuleStatus.PUBLISHED,
        starts_on__lte=day,
        envelope__budget_cents__gt=F("envelope__committed_cents") + F("envelope__consumed_cents"),
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def candidates(profile: HolderProfile, training: Training, day: datetime.date) -> list[Rule]:
    """The live rules whose every criterion the holder and the training meet: one query."""
    rules = live_rules(day).filter(
        Q(max_price_cents__isnull=True) | Q(max_price_cents__gte=training.price_cents)
    )
    if not profile.job_seeker:
        rules = rules.filter(job_seekers_only=False)
    if not profile.below_level_3:
        rules = rules.filter(below_level_3_only=False)
    if profile.age is None:
        rules = rules.filter(age_min__isnull=True, age_max__isnull=True)
    else:
        rules = rules.filter(Q(age_min__isnull=True) | Q(age_min__lte=profile.age)).filter(
            Q(age_max__isnull=True) | Q(age_max__gte=profile.age)
        )
    for dimension, codes in _offered(profile, training).items():
        flag = f"has_{dimension}"
        if not codes:
            rules = rules.filter(**{flag: False})
            continue
        matching = RuleTarget.objects.filter(dimension=dimension, code__in=sorted(codes))
        rules = rules.filter(Q(**{flag: False}) | Q(pk__in=matching.values("rule_id")))
    found = rules.select_related("funder", "envelope").order_by("published_at", "pk")
    return [rule for rule in found if not rule.modalities or training.modality in rule.modalities]


def already_received(person, rule_ids) -> dict[int, int]:
    """What the holder already has from each rule (committed, or consumed): one query."""
    if not rule_ids:
        return {}
    rows = (
        Commitment.objects.filter(
            person=person,
            rule_id__in=rule_ids,
            status__in=[CommitmentStatus.COMMITTED, CommitmentStatus.SETTLED],
        )
        .values("rule_id")
        .annotate(
            total=Sum(
                Case(
                    When(status=CommitmentStatus.COMMITTED, then=F("amount_cents")),
                    default=F("consumed_cents"),
                    output_field=IntegerField(),
                )
            )
        )
        .order_by()
    )
    return {row["rule_id"]: row["total"] or 0 for row in rows}


def rule_amount(rule: Rule, training: Training, remaining: int) -> int:
    after_rights = max(0, training.price_cents - training.rights_cents)
    if rule.fixed_cents is not None:
        wanted = rule.fixed_cents
    else:
        wanted = after_rights * rule.percent_bp // 10_000
    return max(0, min(wanted, remaining))


def split(
    rules: list[Rule],
    training: Training,
    received: dict[int, int],
    envelope_left: dict[int, int],
) -> list[Share]:
    """The shares of `rules` (already in order) for this purchase; `envelope_left` is
    what each envelope has left (decremented here as shares are taken)."""
    remaining = max(0, training.price_cents - training.rights_cents)
    left = dict(envelope_left)
    shares, funders = [], set()
    for rule in rules:
        if rule.funder_id in funders or remaining <= 0:
            continue
        amount = rule_amount(rule, training, remaining)
        if rule.per_holder_cap_cents is not None:
            amount = min(amount, max(0, rule.per_holder_cap_cents - received.get(rule.pk, 0)))
        amount = min(amount, max(0, left.get(rule.envelope_id, 0)))
        if amount <= 0:
            continue
        left[rule.envelope_id] -= amount
        remaining -= amount
        funders.add(rule.funder_id)
        shares.append(
            Share(
                rule_id=rule.pk,
                envelope_id=rule.envelope_id,
                funder_id=rule.funder_id,
                funder_name=rule.funder.name,
                amount_cents=amount,
                exempts_contribution=rule.exempts_contribution,
                rule_name=rule.name,
            )
        )
    return shares
