"""What the DSN ingest keeps besides the records: the files received, and the hours
worked per contract and pay period (for CPF rights), which `EmploymentPeriod` does not
carry. Hours are keyed by the period's `lineage`, so they follow its revisions."""

import uuid

from django.db import models
from django.db.models import F, Q

__all__ = ["DepositStatus", "DsnDeposit", "DsnHoursWorked"]


class DepositStatus(models.TextChoices):
    PROCESSING = "processing", "En cours de traitement"
    PROCESSED = "processed", "Intégré"
    PARTIAL = "partial", "Intégré en partie"
    REJECTED = "rejected", "Rejeté"
    FAILED = "failed", "Échec du traitement"  # an internal error: the report says what was kept


class DsnDeposit(models.Model):
    """A DSN file received: its fingerprint (to recognise a file sent again), how its
    processing went, and the report (never a NIR: masked, with line numbers)."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    file_name = models.CharField("nom du fichier", max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, db_index=True)
    size = models.BigIntegerField("taille (octets)")
    encoding = models.CharField("encodage", max_length=12, blank=True)
    received_at = models.DateTimeField("reçu le")
    finished_at = models.DateTimeField("traité le", null=True, blank=True)
    status = models.CharField(
        "état", max_length=12, choices=DepositStatus.choices, default=DepositStatus.PROCESSING
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="fichier identique reçu avant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    declarations = models.PositiveIntegerField("déclarations", default=0)
    individuals = models.PositiveIntegerField("individus", default=0)
    periods_created = models.PositiveIntegerField("périodes créées", default=0)
    periods_updated = models.PositiveIntegerField("périodes mises à jour", default=0)
    periods_unchanged = models.PositiveIntegerField("périodes inchangées", default=0)
    individuals_rejected = models.PositiveIntegerField("individus rejetés", default=0)
    report = models.JSONField("compte rendu", default=dict, blank=True)

    class Meta:
        app_label = "ingest"
        verbose_name = "dépôt DSN"
        verbose_name_plural = "dépôts DSN"
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.file_name} ({self.received_at:%d/%m/%Y %H:%M})"


class DsnHoursWorked(models.Model):
    """Hours of paid work declared for one contract over one pay period."""

    # No index of its own: the unique (lineage, period_start, period_end) starts with it,
    # and a second index of random UUIDs cost every hours row of an ingest.
    lineage = models.UUIDField("lignée de la période d'emploi")
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    siret = models.CharField("SIRET de l'établissement", max_length=14)
    contract_number = models.CharField("numéro du contrat", max_length=20)
    period_start = models.DateField("début de la période de paie")
    period_end = models.DateField("fin de la période de paie")
    hours = models.DecimalField("heures travaillées", max_digits=9, decimal_places=2)
    deposit = models.ForeignKey(
        DsnDeposit, verbose_name="dépôt", on_delete=models.PROTECT, related_name="+"
    )
    source_reference = models.CharField("référence de la source", max_length=255)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        app_label = "ingest"
        verbose_name = "heures travaillées (DSN)"
        verbose_name_plural = "heures travaillées (DSN)"
        constraints = [
            models.UniqueConstraint(
                fields=["lineage", "period_start", "period_end"],
                name="dsn_hours_unique_period",
                violation_error_message="Ces heures sont déjà enregistrées pour cette période.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="dsn_hours_period_in_order",
                violation_error_message="La fin de la période de paie ne précède pas son début.",
            ),
        ]

    def __str__(self):
        return f"{self.hours} h du {self.period_start} au {self.period_end}"
