import datetime

from django.db import models
from django.db.models import F, Q

from ..enums import DeclaredItemKind, LanguageLevel
from .base import Record


class DeclaredItem(Record):
    """What only the holder can say: skills, languages, driving licences, professional
    cards, experiences outside any DSN, foreign diplomas… Always declared."""

    kind_label = "Élément déclaré"

    item_kind = models.CharField("type", max_length=20, choices=DeclaredItemKind.choices)
    title = models.CharField("intitulé", max_length=255)
    description = models.TextField("description", blank=True)
    organisation_name = models.CharField("structure", max_length=255, blank=True)
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    language_level = models.CharField(
        "niveau (CECRL)", max_length=2, choices=LanguageLevel.choices, blank=True
    )
    rome_skills = models.JSONField("compétences ROME (code OGR)", default=list, blank=True)
    details = models.JSONField("précisions", default=dict, blank=True)

    class Meta(Record.Meta):
        verbose_name = "élément déclaré"
        verbose_name_plural = "éléments déclarés"
        indexes = [models.Index(fields=["person", "status"], name="declared_person_status")]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(source_kind="holder"),
                name="declared_item_from_holder",
                violation_error_message="Un élément déclaré vient du titulaire.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="declared_dates_in_order",
                violation_error_message="La fin ne précède pas le début.",
            ),
        ]

    def __str__(self):
        return f"{self.get_item_kind_display()} : {self.title}"

    def period_start(self) -> datetime.date | None:
        return self.start_date
