"""A holder's report of an error in a guaranteed entry, routed to its declarant.

A lifecycle with a transition log: open → answered → closed (an answered request may be
reopened by the holder; any open or answered request may be closed)."""

import uuid

from django.db import models


class CorrectionStatus(models.TextChoices):
    OPEN = "open", "Envoyé, en attente de réponse"
    ANSWERED = "answered", "Réponse reçue"
    CLOSED = "closed", "Clos"


# status → the statuses it may move to
CORRECTION_TRANSITIONS = {
    CorrectionStatus.OPEN: {CorrectionStatus.ANSWERED, CorrectionStatus.CLOSED},
    CorrectionStatus.ANSWERED: {CorrectionStatus.OPEN, CorrectionStatus.CLOSED},
    CorrectionStatus.CLOSED: set(),
}


class CorrectionRequest(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    # The entry reported: its kind (model label) and lineage, and the version read.
    record_type = models.CharField("type d'entrée", max_length=60)
    lineage = models.UUIDField("lignée")
    record_version = models.PositiveIntegerField("version signalée")
    # Who must answer; empty: the operator (an entry without declarant organisation).
    declarant = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="destinataire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField("message du titulaire")
    answer = models.TextField("réponse", blank=True)
    status = models.CharField(
        "état", max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    created_at = models.DateTimeField("envoyé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "signalement d'erreur"
        verbose_name_plural = "signalements d'erreur"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "record_type", "lineage"], name="correction_entry"),
            models.Index(fields=["declarant", "status"], name="correction_declarant_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CorrectionStatus.values),
                name="correction_status_known",
                violation_error_message="État de signalement inconnu.",
            )
        ]

    def __str__(self):
        return f"Signalement {self.public_id} ({self.get_status_display()})"


class CorrectionTransition(models.Model):
    request = models.ForeignKey(
        CorrectionRequest,
        verbose_name="signalement",
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField("état précédent", max_length=10, blank=True)
    to_status = models.CharField("nouvel état", max_length=10, choices=CorrectionStatus.choices)
    actor_kind = models.CharField("type d'acteur", max_length=20)
    actor_label = models.CharField("acteur", max_length=255)
    note = models.TextField("note", blank=True)
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état d'un signalement"
        verbose_name_plural = "changements d'état des signalements"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"
