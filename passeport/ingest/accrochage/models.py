"""Accrochage submissions (one per file received) and the passages they carried.

The records layer knows nothing of the certifier's `idTechnique`: `AccrochagePassage`
keeps it, unique per certifier, and points at the record's `lineage`, which is what makes
a re-sent file change nothing and a re-sent passage with new content a revision.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from passeport.core.storage import private_storage

__all__ = ["AccrochagePassage", "AccrochageSubmission", "PassageStatus", "SubmissionStatus"]


def accrochage_storage():
    """Where received files and accusés are kept (`core.storage.private_storage`)."""
    return private_storage("accrochage")


def _upload_to(instance, filename):
    return f"{instance.received_at:%Y/%m}/{instance.public_id}/{filename}"


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", "Reçu"
    PROCESSING = "processing", "En cours de traitement"
    PROCESSED = "processed", "Traité"
    REJECTED = "rejected", "Rejeté"


class PassageStatus(models.TextChoices):
    ACTIVE = "active", "Enregistré"
    CANCELLED = "cancelled", "Supprimé par le certificateur"


class AccrochageSubmission(models.Model):
    """A file a certifier sent, how its processing went, and the accusé de traitement."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField("nom du fichier", max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("taille (octets)", default=0)
    source = models.FileField(
        "fichier reçu", storage=accrochage_storage, upload_to=_upload_to, blank=True
    )
    status = models.CharField(
        "état",
        max_length=12,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.RECEIVED,
    )
    id_flux = models.CharField("idFlux", max_length=50, blank=True)
    schema_version = models.CharField("version du schéma", max_length=10, blank=True)
    passages_count = models.PositiveIntegerField("passages", default=0)
    processed_count = models.PositiveIntegerField("passages traités", default=0)
    ok_count = models.PositiveIntegerField("passages acceptés", default=0)
    ko_count = models.PositiveIntegerField("passages rejetés", default=0)
    error_message = models.TextField("motif du rejet du fichier", blank=True)
    accuse_xml = models.FileField(
        "accusé de traitement (XML)", storage=accrochage_storage, upload_to=_upload_to, blank=True
    )
    accuse_json = models.FileField(
        "accusé de traitement (JSON)", storage=accrochage_storage, upload_to=_upload_to, blank=True
    )
    # The first passages of each list, for the page; the full lists are in the accusé.
    preview = models.JSONField("aperçu de l'accusé", default=dict, blank=True)
    received_at = models.DateTimeField("reçu le", default=timezone.now)
    processed_at = models.DateTimeField("traité le", null=True, blank=True)
    # Who processes the file (a token per run) and its last sign of life, saved with each
    # chunk: a run stopped by a restart is taken up again, and a run that another has
    # taken over cannot commit a chunk any more (`services.process_submission`).
    worker = models.UUIDField("traitement en cours", null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField("dernier lot enregistré le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "dépôt d'accrochage"
        verbose_name_plural = "dépôts d'accrochage"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["certifier", "-received_at"], name="accrochage_sub_certifier")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ok_count__lte=F("passages_count"))
                & Q(ko_count__lte=F("passages_count")),
                name="accrochage_submission_counts",
                violation_error_message=(
                    "Les passages acceptés ou rejetés ne dépassent pas le total."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(error_message=""),
                name="accrochage_rejected_has_reason",
                violation_error_message="Un fichier rejeté porte son motif.",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in (SubmissionStatus.RECEIVED, SubmissionStatus.PROCESSING)


class AccrochagePassage(models.Model):
    """The last known state of one passage (certifier × idTechnique) and its record."""

    certifier = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="certificateur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    id_technique = models.CharField("idTechnique", max_length=255)
    lineage = models.UUIDField("lignée de la certification", db_index=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    content_digest = models.CharField("empreinte du contenu", max_length=64)
    status = models.CharField(
        "état", max_length=10, choices=PassageStatus.choices, default=PassageStatus.ACTIVE
    )
    last_submission = models.ForeignKey(
        AccrochageSubmission,
        verbose_name="dernier dépôt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("reçu la première fois le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "passage de certification"
        verbose_name_plural = "passages de certification"
        ordering = ["certifier_id", "id_technique"]
        constraints = [
            models.UniqueConstraint(
                fields=["certifier", "id_technique"],
                name="accrochage_passage_unique_id_technique",
                violation_error_message="Ce certificateur a déjà envoyé ce passage (idTechnique).",
            )
        ]

    def __str__(self):
        return f"{self.id_technique} ({self.get_status_display()})"
