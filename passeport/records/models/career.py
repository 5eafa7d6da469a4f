import datetime

from django.db import models
from django.db.models import F, Q

from ..enums import EngagementKind
from .base import Record


class EmploymentPeriod(Record):
    """A contract with an establishment, from the employer's DSN (or declared)."""

    kind_label = "Expérience professionnelle"

    employer = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="employeur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    employer_name = models.CharField("employeur", max_length=255)
    siret = models.CharField("SIRET de l'établissement", max_length=14, blank=True)
    contract_number = models.CharField("numéro du contrat", max_length=20, blank=True)
    contract_nature = models.CharField("nature du contrat (DSN)", max_length=2, blank=True)
    job_title = models.CharField("emploi", max_length=255)
    pcs_ese = models.CharField("code PCS-ESE", max_length=4, blank=True)
    working_time_quotity = models.DecimalField(
        "quotité de travail", max_digits=7, decimal_places=2, null=True, blank=True
    )
    reference_quotity = models.DecimalField(
        "quotité de référence", max_digits=7, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True)
    end_reason = models.CharField("motif de fin (DSN)", max_length=3, blank=True)

    class Meta(Record.Meta):
        verbose_name = "période d'emploi"
        verbose_name_plural = "périodes d'emploi"
        indexes = [models.Index(fields=["person", "status"], name="employment_person_status")]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="employment_dates_in_order",
                violation_error_message="La fin du contrat ne précède pas son début.",
            ),
        ]

    def __str__(self):
        return f"{self.job_title} — {self.employer_name}"

    def period_start(self) -> datetime.date | None:
        return self.start_date


class Engagement(Record):
    """Civic or volunteer engagement (CEC activities, volunteering)."""

    kind_label = "Engagement citoyen ou bénévole"

    engagement_kind = models.CharField(
        "type d'engagement", max_length=30, choices=EngagementKind.choices
    )
    organisation_name = models.CharField("structure", max_length=255)
    role = models.CharField("mission", max_length=255, blank=True)
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True)
    hours = models.PositiveIntegerField("heures", null=True, blank=True)

    class Meta(Record.Meta):
        verbose_name = "engagement"
        indexes = [models.Index(fields=["person", "status"], name="engagement_person_status")]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="engagement_dates_in_order",
                violation_error_message="La fin de l'engagement ne précède pas son début.",
            ),
        ]

    def __str__(self):
        return f"{self.get_engagement_kind_display()} — {self.organisation_name}"

    def period_start(self) -> datetime.date | None:
        return self.start_date
