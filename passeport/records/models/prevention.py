import datetime

from django.db import models
from django.db.models import F, Q

from ..enums import PreventionDeclarationKind
from ..validity import EXPIRING_SOON_DAYS, Validity, ValidityState, validity
from .base import Record

__all__ = ["EXPIRING_SOON_DAYS", "PreventionTraining", "ValidityState"]


class PreventionTraining(Record):
    """An occupational health and safety training (passeport de prévention): an ADF
    (attestation de formation) or a JDR (justificatif de réussite)."""

    kind_label = "Formation en santé et sécurité au travail"

    declaration_kind = models.CharField(
        "type de déclaration", max_length=3, choices=PreventionDeclarationKind.choices
    )
    title = models.CharField("intitulé", max_length=500)
    provider_name = models.CharField("organisme de formation", max_length=255, blank=True)
    employer_siret = models.CharField("SIRET de l'employeur", max_length=14, blank=True)
    start_date = models.DateField("début de la formation", null=True, blank=True)
    end_date = models.DateField("fin de la formation", null=True, blank=True)
    valid_from = models.DateField("début de validité")
    valid_until = models.DateField("fin de validité", null=True, blank=True)
    transferable_skills = models.JSONField(
        "compétences transférables (ROME)", default=list, blank=True
    )
    certification_code = models.CharField("certification (RS/RNCP)", max_length=20, blank=True)
    jdr_type = models.CharField("type de justificatif", max_length=15, blank=True)
    result = models.CharField("résultat obtenu", max_length=255, blank=True)
    # Code of the training's kind in the maintained catalogue (prevention.catalogue): gives
    # the renewal period when no DATE_FIN_VALIDITE is declared, and the risk families.
    training_kind = models.CharField("type de formation (catalogue)", max_length=40, blank=True)
    partner_unique_id = models.CharField(
        "identifiant unique du déclarant (ID_UNIQUE_PARTENAIRE)", max_length=100, blank=True
    )
    # What the holder and credentials show of the declaration (prevention.Declaration
    # keeps the rest of the official fields).
    modality = models.CharField("modalité", max_length=12, blank=True)
    mention = models.CharField("mention obtenue", max_length=255, blank=True)
    proof_url = models.URLField("lien vers la preuve", max_length=500, blank=True)
    proof_id = models.CharField("identifiant de la preuve", max_length=255, blank=True)

    class Meta(Record.Meta):
        verbose_name = "formation prévention"
        verbose_name_plural = "formations prévention"
        indexes = [
            models.Index(fields=["person", "status"], name="prevention_person_status"),
            models.Index(fields=["valid_until"], name="prevention_valid_until"),
        ]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="prevention_dates_in_order",
                violation_error_message="La fin de la formation ne précède pas son début.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(valid_from__gte=F("end_date")),
                name="prevention_validity_after_training",
                violation_error_message=(
                    "La validité commence au plus tôt à la fin de la formation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="prevention_validity_in_order",
                violation_error_message="La fin de validité ne précède pas son début.",
            ),
        ]

    def __str__(self):
        return self.title

    def period_start(self) -> datetime.date | None:
        return self.start_date or self.valid_from

    def validity(self, day: datetime.date) -> Validity:
        return validity(self.valid_from, self.valid_until, day)

    def validity_on(self, day: datetime.date) -> str:
        return self.validity(day).state
