"""What bodies and holders declare: civic activities (Compte d'engagement citoyen) and
public agents' years of service. Each CEC declaration is a small state machine whose
transitions are logged (`CecTransition`) and journaled (see `passeport.cpf.cec`)."""

import uuid

from django.db import models
from django.db.models import Q

from ..enums import CecActivity, CecStatus, Channel
from ..rules import euros


class CecDeclaration(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    body = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisme",
        on_delete=models.PROTECT,
        related_name="cec_declarations",
    )
    activity = models.CharField("activité", max_length=30, choices=CecActivity.choices)
    year = models.PositiveSmallIntegerField("année de l'activité")
    quantity = models.PositiveIntegerField("durée déclarée")
    engagement_years = models.PositiveSmallIntegerField(
        "années d'engagement", null=True, blank=True
    )
    role = models.CharField("mission", max_length=255, blank=True)
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    status = models.CharField("état", max_length=15, choices=CecStatus.choices)
    status_reason = models.CharField("motif", max_length=255, blank=True)
    declared_at = models.DateTimeField("déclarée le")
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    credited_cents = models.PositiveIntegerField("crédité (centimes)", null=True, blank=True)
    engagement_lineage = models.UUIDField("entrée du passeport (lignée)", null=True, blank=True)

    class Meta:
        verbose_name = "activité citoyenne déclarée"
        verbose_name_plural = "activités citoyennes déclarées"
        ordering = ["-year", "-declared_at"]
        indexes = [
            models.Index(fields=["person", "year"], name="cec_person_year"),
            models.Index(fields=["body", "status"], name="cec_body_status"),
        ]
        constraints = [
            # A body declares an activity of a person once a year; a correction refuses
            # the first and declares again.
            models.UniqueConstraint(
                fields=["person", "body", "activity", "year"],
                condition=~Q(status__in=[CecStatus.REFUSED, CecStatus.EXPIRED]),
                name="cec_one_open_declaration",
                violation_error_message=(
                    "Cette activité de cette personne est déjà déclarée pour cette année."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_activity_display()} {self.year} ({self.get_status_display()})"

    @property
    def credited_text(self) -> str:
        return "—" if self.credited_cents is None else euros(self.credited_cents)


class CecTransition(models.Model):
    declaration = models.ForeignKey(
        CecDeclaration, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField("de", max_length=15, choices=CecStatus.choices, blank=True)
    to_status = models.CharField("vers", max_length=15, choices=CecStatus.choices)
    at = models.DateTimeField("le")
    actor_label = models.CharField("par", max_length=255)
    reason = models.CharField("motif", max_length=255, blank=True)

    class Meta:
        verbose_name = "changement d'état d'une activité citoyenne"
        ordering = ["declaration", "at", "pk"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"


class AgentDeclaration(models.Model):
    """A public employer's declaration of an agent's months of service in a year."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="agent", on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="employeur public",
        on_delete=models.PROTECT,
        related_name="agent_declarations",
    )
    year = models.PositiveSmallIntegerField("année")
    months = models.PositiveSmallIntegerField("mois de service")
    low_qualified = models.BooleanField("catégorie C sans qualification de niveau 3", default=False)
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    declared_at = models.DateTimeField("déclarée le")

    class Meta:
        verbose_name = "déclaration d'un employeur public"
        verbose_name_plural = "déclarations des employeurs publics"
        ordering = ["-year", "-declared_at"]
        indexes = [models.Index(fields=["person", "year"], name="agent_person_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "employer", "year"],
                name="agent_one_declaration_per_year",
                violation_error_message=(
                    "Cet agent est déjà déclaré pour cette année : la nouvelle déclaration "
                    "remplace la précédente."
                ),
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=12),
                name="agent_months_range",
                violation_error_message="Le nombre de mois est compris entre 1 et 12.",
            ),
        ]

    def __str__(self):
        return f"{self.year} : {self.months} mois"
