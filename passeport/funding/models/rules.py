"""Co-construction rules as data, their budget envelopes and the commitments made at
purchase. A rule's lists (certifications, ROME, Formacode, providers, departments,
regions, employers) are rows of RuleTarget, indexed by (dimension, code): the live rules
that may apply to one purchase are found in one query whatever their number."""

import uuid

from django.db import models
from django.db.models import F, Q

from ..enums import CommitmentStatus, RuleStatus, TargetDimension

RULE_TRANSITIONS = {
    RuleStatus.DRAFT: {RuleStatus.PUBLISHED, RuleStatus.CLOSED},
    RuleStatus.PUBLISHED: {RuleStatus.SUSPENDED, RuleStatus.CLOSED},
    RuleStatus.SUSPENDED: {RuleStatus.PUBLISHED, RuleStatus.CLOSED},
    RuleStatus.CLOSED: set(),
}


class Envelope(models.Model):
    """A budget: what rules commit at purchase and consume at service fait. Never
    overspent: commitments take the row with SELECT … FOR UPDATE (and a constraint)."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="financeur",
        on_delete=models.PROTECT,
        related_name="funding_envelopes",
    )
    name = models.CharField("nom", max_length=120)
    budget_cents = models.BigIntegerField("budget (centimes)")
    committed_cents = models.BigIntegerField("engagé (centimes)", default=0)
    consumed_cents = models.BigIntegerField("consommé (centimes)", default=0)
    alert_percent = models.PositiveSmallIntegerField("seuil d'alerte (%)", default=80)
    alert_sent_at = models.DateTimeField("alerte envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "enveloppe budgétaire"
        ordering = ["funder", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_cents__gte=0)
                & Q(consumed_cents__gte=0)
                & Q(budget_cents__gte=F("committed_cents") + F("consumed_cents")),
                name="funding_envelope_within_budget",
                violation_error_message="L'enveloppe ne peut pas être dépassée.",
            ),
        ]

    def __str__(self):
        return f"{self.name} — {self.funder.name}"

    @property
    def remaining_cents(self) -> int:
        return self.budget_cents - self.committed_cents - self.consumed_cents


class Rule(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="financeur",
        on_delete=models.PROTECT,
        related_name="funding_rules",
    )
    envelope = models.ForeignKey(
        Envelope, verbose_name="enveloppe", on_delete=models.PROTECT, related_name="rules"
    )
    name = models.CharField("nom", max_length=120)
    status = models.CharField(
        "état", max_length=10, choices=RuleStatus, default=RuleStatus.DRAFT, db_index=True
    )
    # Who (the lists are RuleTarget rows; has_* says whether a list restricts).
    job_seekers_only = models.BooleanField("demandeurs d'emploi seulement", default=False)
    below_level_3_only = models.BooleanField(
        "titulaires sans qualification de niveau 3 seulement", default=False
    )
    age_min = models.PositiveSmallIntegerField("âge minimum", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("âge maximum", null=True, blank=True)
    # What
    max_price_cents = models.BigIntegerField("prix maximum (centimes)", null=True, blank=True)
    modalities = models.JSONField("modalités (vide : toutes)", default=list, blank=True)
    # How much: a fixed amount or a percentage (basis points) of what remains after rights.
    fixed_cents = models.BigIntegerField("montant fixe (centimes)", null=True, blank=True)
    percent_bp = models.PositiveIntegerField(
        "pourcentage du reste à charge (centièmes de %)", null=True, blank=True
    )
    per_holder_cap_cents = models.BigIntegerField(
        "plafond par titulaire (centimes)", null=True, blank=True
    )
    exempts_contribution = models.BooleanField(
        "exonère de la participation forfaitaire", default=False
    )
    # When
    starts_on = models.DateField("à partir du")
    ends_on = models.DateField("jusqu'au", null=True, blank=True)
    has_certification = models.BooleanField(default=False, editable=False)
    has_rome = models.BooleanField(default=False, editable=False)
    has_formacode = models.BooleanField(default=False, editable=False)
    has_provider = models.BooleanField(default=False, editable=False)
    has_department = models.BooleanField(default=False, editable=False)
    has_region = models.BooleanField(default=False, editable=False)
    has_employer = models.BooleanField(default=False, editable=False)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "règle d'abondement"
        verbose_name_plural = "règles d'abondement"
        ordering = ["funder", "name"]
        indexes = [
            models.Index(fields=["status", "starts_on", "ends_on"], name="funding_rule_live"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(fixed_cents__isnull=False) & Q(percent_bp__isnull=True))
                | (Q(fixed_cents__isnull=True) & Q(percent_bp__isnull=False)),
                name="funding_rule_one_amount",
                violation_error_message="Une règle a soit un montant fixe, soit un pourcentage.",
            ),
            models.CheckConstraint(
                condition=Q(percent_bp__isnull=True) | Q(percent_bp__lte=10000),
                name="funding_rule_percent_max",
                violation_error_message="Le pourcentage ne dépasse pas 100 %.",
            ),
        ]

    def __str__(self):
        return self.name


class RuleTarget(models.Model):
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="targets")
    dimension = models.CharField("critère", max_length=15, choices=TargetDimension)
    code = models.CharField("code", max_length=20)

    class Meta:
        verbose_name = "critère d'une règle"
        indexes = [models.Index(fields=["dimension", "code", "rule"], name="funding_target")]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "dimension", "code"], name="funding_target_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_dimension_display()} {self.code}"


class RuleTransition(models.Model):
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("état précédent", max_length=10, blank=True)
    to_status = models.CharField("nouvel état", max_length=10, choices=RuleStatus)
    actor_label = models.CharField("acteur", max_length=255)
    note = models.TextField("note", blank=True)
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état d'une règle"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"


class Commitment(models.Model):
    """What a rule gives to one training file: committed at acceptance, released on
    cancellation, consumed (pro rata) at service fait."""

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="commitments")
    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="commitments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    file_reference = models.CharField("dossier de formation", max_length=100)
    certification_code = models.CharField("certification", max_length=20, blank=True)
    provider_siret = models.CharField("SIRET de l'organisme", max_length=14, blank=True)
    amount_cents = models.BigIntegerField("engagé (centimes)")
    consumed_cents = models.BigIntegerField("consommé (centimes)", default=0)
    exempts_contribution = models.BooleanField(default=False)
    status = models.CharField(
        "état", max_length=10, choices=CommitmentStatus, default=CommitmentStatus.COMMITTED
    )
    created_at = models.DateTimeField("engagé le", auto_now_add=True)
    closed_at = models.DateTimeField("libéré ou consommé le", null=True, blank=True)

    class Meta:
        verbose_name = "engagement d'une règle"
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["file_reference"], name="funding_commit_file"),
            models.Index(fields=["rule", "person", "status"], name="funding_commit_holder"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "file_reference"],
                name="funding_commit_once",
                violation_error_message="Cette règle a déjà un engagement pour ce dossier.",
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0),
                name="funding_commit_positive",
                violation_error_message="Un engagement est un montant positif.",
            ),
        ]

    def __str__(self):
        return f"{self.file_reference} — {self.amount_cents}"
