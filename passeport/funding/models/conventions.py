"""A funder's convention with the Caisse des Dépôts: nothing of a funder (credit order,
rule) is live before an operator approves it."""

import uuid

from django.db import models
from django.db.models import Q

from ..enums import ConventionStatus

# status → the statuses it may move to, and who may move it there
CONVENTION_TRANSITIONS = {
    ConventionStatus.SUBMITTED: {ConventionStatus.APPROVED, ConventionStatus.REFUSED},
    ConventionStatus.APPROVED: {ConventionStatus.ENDED},
    ConventionStatus.REFUSED: set(),
    ConventionStatus.ENDED: set(),
}


class Convention(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="financeur",
        on_delete=models.PROTECT,
        related_name="funding_conventions",
    )
    title = models.CharField("objet", max_length=255)
    status = models.CharField(
        "état", max_length=10, choices=ConventionStatus, default=ConventionStatus.SUBMITTED
    )
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin", null=True, blank=True)
    reason = models.TextField("motif (refus, fin)", blank=True)
    created_at = models.DateTimeField("soumise le", auto_now_add=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)

    class Meta:
        verbose_name = "convention de financeur"
        verbose_name_plural = "conventions de financeurs"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["funder"],
                condition=Q(status="approved"),
                name="funding_one_approved_convention",
                violation_error_message="Ce financeur a déjà une convention approuvée.",
            ),
        ]

    def __str__(self):
        return f"{self.title} — {self.funder.name} ({self.get_status_display()})"


class ConventionTransition(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("état précédent", max_length=10, blank=True)
    to_status = models.CharField("nouvel état", max_length=10, choices=ConventionStatus)
    actor_label = models.CharField("acteur", max_length=255)
    note = models.TextField("note", blank=True)
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état d'une convention"
        verbose_name_plural = "changements d'état des conventions"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"
