"""Writing a funder's rules (in draft only: a published rule is suspended, closed, or
replaced by a new one) and simulating one on a holder profile and a training before
publishing it."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from passeport.cpf.rules import euros
from passeport.journal import services as journal
from passeport.journal.actors import Actor

from . import engine
from .enums import Modality, RuleStatus, TargetDimension
from .models import Envelope, Rule, RuleTarget

MAX_CODES = 500  # per list of a rule


class RuleError(ValueError):
    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass
class RuleInput:
    name: str
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    fixed_cents: int | None = None
    percent_bp: int | None = None
    per_holder_cap_cents: int | None = None
    exempts_contribution: bool = False
    job_seekers_only: bool = False
    below_level_3_only: bool = False
    age_min: int | None = None
    age_max: int | None = None
    max_price_cents: int | None = None
    modalities: list[str] = field(default_factory=list)
    targets: dict[str, list[str]] = field(default_factory=dict)  # dimension → codes


def _clean_targets(targets: dict[str, list[str]]) -> dict[str, list[str]]:
    cleaned = {}
    for dimension, codes in targets.items():
        if dimension not in TargetDimension.values:
            raise RuleError(f"Critère inconnu : {dimension}.", "targets")
        values = sorted({code.strip().upper() for code in codes if code.strip()})
        if len(values) > MAX_CODES:
            raise RuleError(f"Une liste compte au plus {MAX_CODES} codes.", dimension)
        if any(len(value) > 20 for value in values):
            raise RuleError("Un code compte au plus 20 caractères.", dimension)
        if values:
            cleaned[dimension] = values
    return cleaned


def _check(data: RuleInput) -> dict[str, list[str]]:
    if not data.name.strip():
        raise RuleError("Le nom de la règle est obligatoire.", "name")
    if (data.fixed_cents is None) == (data.percent_bp is None):
        raise RuleError("Indiquez soit un montant fixe, soit un pourcentage.", "fixed_cents")
    if data.fixed_cents is not None and data.fixed_cents <= 0:
        raise RuleError("Le montant fixe est positif.", "fixed_cents")
    if data.percent_bp is not None and not 0 < data.percent_bp <= 10_000:
        raise RuleError("Le pourcentage est compris entre 0 et 100 %.", "percent_bp")
    if data.ends_on and data.ends_on < data.starts_on:
        raise RuleError("La fin précède le début.", "ends_on")
    if data.age_min is not None and data.age_max is not None and data.age_min > data.age_max:
        raise RuleError("L'âge minimum dépasse l'âge maximum.", "age_min")
    if any(m not in Modality.values for m in data.modalities):
        raise RuleError("Modalité inconnue.", "modalities")
    return _clean_targets(data.targets)


@transaction.atomic
def save_rule(
    funder, data: RuleInput, envelope: Envelope, *, actor: Actor, rule: Rule | None = None
) -> Rule:
    if envelope.funder_id != funder.pk:
        raise RuleError("Cette enveloppe n'est pas la vôtre.", "envelope")
    if rule is not None and rule.status != RuleStatus.DRAFT:
        raise RuleError("Seule une règle en brouillon se modifie.")
    targets = _check(data)
    values = {
        name: getattr(data, name)
        for name in (
            "name",
            "starts_on",
            "ends_on",
            "fixed_cents",
            "percent_bp",
            "per_holder_cap_cents",
            "exempts_contribution",
            "job_seekers_only",
            "below_level_3_only",
            "age_min",
            "age_max",
            "max_price_cents",
            "modalities",
        )
    }
    values.update({f"has_{d}": d in targets for d in TargetDimension.values})
    if rule is None:
        rule = Rule.objects.create(funder=funder, envelope=envelope, **values)
    else:
        for name, value in values.items():
            setattr(rule, name, value)
        rule.envelope = envelope
        rule.save()
        rule.targets.all().delete()
    RuleTarget.objects.bulk_create(
        RuleTarget(rule=rule, dimension=d, code=c) for d, codes in targets.items() for c in codes
    )
    journal.log(
        journal.Event(actor, "funding.rule_saved", "funding.Rule", str(rule.public_id), plain=True)
    )
    return rule


def targets_of(rule: Rule) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for dimension, code in rule.targets.order_by("dimension", "code").values_list(
        "dimension", "code"
    ):
        found.setdefault(dimension, []).append(code)
    return found


@dataclass
class Simulation:
    amount_cents: int
    reasons: list[str]  # why the rule does not apply (empty: it applies)

    def text(self, funder_name: str) -> str:
        if self.reasons:
            return "La règle ne s'applique pas : " + " ; ".join(self.reasons) + "."
        return f"{funder_name} prend en charge {euros(self.amount_cents)}"


def reasons_not(
    rule: Rule, profile: engine.HolderProfile, training: engine.Training, day: datetime.date
) -> list[str]:
    """Why `rule` would not apply (the same criteria as `engine.candidates`, in words)."""
    reasons = []
    if day < rule.starts_on or (rule.ends_on and day > rule.ends_on):
        reasons.append("hors de la période de la règle")
    if rule.max_price_cents is not None and training.price_cents > rule.max_price_cents:
        reasons.append(f"prix supérieur à {euros(rule.max_price_cents)}")
    if rule.job_seekers_only and not profile.job_seeker:
        reasons.append("réservée aux demandeurs d'emploi")
    if rule.below_level_3_only and not profile.below_level_3:
        reasons.append("réservée aux titulaires sans qualification de niveau 3")
    if rule.age_min is not None and (profile.age is None or profile.age < rule.age_min):
        reasons.append(f"âge minimum {rule.age_min} ans")
    if rule.age_max is not None and (profile.age is None or profile.age > rule.age_max):
        reasons.append(f"âge maximum {rule.age_max} ans")
    if rule.modalities and training.modality not in rule.modalities:
        reasons.append("modalité de formation non retenue")
    offered = engine._offered(profile, training)
    labels = dict(TargetDimension.choices)
    for dimension, codes in targets_of(rule).items():
        if not offered[dimension] & set(codes):
            reasons.append(f"{labels[dimension].lower()} non retenu(e)")
    return reasons


def simulate(
    rule: Rule, profile: engine.HolderProfile, training: engine.Training, day: datetime.date
) -> Simulation:
    """The rule alone (draft or published) on this holder and training: its share, its
    envelope and per-holder cap not counted (no holder is involved)."""
    reasons = reasons_not(rule, profile, training, day)
    if reasons:
        return Simulation(0, reasons)
    remaining = max(0, training.price_cents - training.rights_cents)
    amount = engine.rule_amount(rule, training, remaining)
    if rule.per_holder_cap_cents is not None:
        amount = min(amount, rule.per_holder_cap_cents)
    if amount <= 0:
        return Simulation(0, ["rien ne reste à la charge du titulaire après ses droits"])
    return Simulation(amount, [])
