import datetime

from django.db import models
from django.db.models import F, Q

from ..enums import AwardMode, CertificationKind, LanguageLevel
from .base import Record


class Certification(Record):
    """A diploma, title or certification: RNCP/RS from the certifier's accrochage file,
    or declared by the holder (e.g. a foreign diploma)."""

    kind_label = "Diplôme ou certification"

    certification_kind = models.CharField(
        "répertoire", max_length=5, choices=CertificationKind.choices
    )
    code = models.CharField("code", max_length=20, blank=True, help_text="RNCP12345, RS5286…")
    title = models.CharField("intitulé", max_length=500)
    level = models.PositiveSmallIntegerField("niveau européen", null=True, blank=True)
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    certifier_name = models.CharField("certificateur", max_length=255, blank=True)
    awarded_on = models.DateField("obtenu le")
    valid_from = models.DateField("valable à partir du", null=True, blank=True)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    award_mode = models.CharField("obtention", max_length=15, choices=AwardMode.choices, blank=True)
    option_label = models.CharField("option", max_length=255, blank=True)
    mention = models.CharField("mention", max_length=100, blank=True)
    language_level = models.CharField(
        "niveau de langue européen", max_length=2, choices=LanguageLevel.choices, blank=True
    )
    digital_level = models.CharField("niveau numérique européen", max_length=10, blank=True)
    exam_start = models.DateField("début de l'examen", null=True, blank=True)
    exam_end = models.DateField("fin de l'examen", null=True, blank=True)
    blocs = models.JSONField("blocs de compétences", default=list, blank=True)
    country_code = models.CharField("pays de délivrance (INSEE)", max_length=5, blank=True)

    class Meta(Record.Meta):
        verbose_name = "certification"
        indexes = [models.Index(fields=["person", "status"], name="certification_person_status")]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="certification_validity_in_order",
                violation_error_message="La fin de validité ne précède pas son début.",
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=8),
                name="certification_level_range",
                violation_error_message="Le niveau européen va de 1 à 8.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.code})" if self.code else self.title

    def period_start(self) -> datetime.date | None:
        return self.awarded_on


class Training(Record):
    """A continuing training followed (through the CPF, or declared)."""

    kind_label = "Formation"

    title = models.CharField("intitulé", max_length=500)
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisme de formation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    provider_name = models.CharField("organisme de formation", max_length=255, blank=True)
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True)
    hours = models.PositiveIntegerField("durée (heures)", null=True, blank=True)
    certification_code = models.CharField("certification visée", max_length=20, blank=True)
    funded_by_cpf = models.BooleanField("financée par le CPF", default=False)

    class Meta(Record.Meta):
        verbose_name = "formation"
        indexes = [models.Index(fields=["person", "status"], name="training_person_status")]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="training_dates_in_order",
                violation_error_message="La fin de la formation ne précède pas son début.",
            ),
        ]

    def __str__(self):
        return self.title

    def period_start(self) -> datetime.date | None:
        return self.start_date
