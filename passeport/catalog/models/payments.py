"""The card part of a purchase, paid on a hosted payment page (see catalog/payments.py)."""

import uuid

from django.db import models

from ..enums import PaymentState


class Payment(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    file = models.ForeignKey(
        "catalog.TrainingFile", on_delete=models.PROTECT, related_name="payments"
    )
    amount_cents = models.PositiveIntegerField("montant (centimes)")
    state = models.CharField(
        "état", max_length=10, choices=PaymentState.choices, default=PaymentState.PENDING
    )
    psp_reference = models.CharField("référence du prestataire", max_length=100, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    completed_at = models.DateTimeField("terminé le", null=True, blank=True)
    message = models.CharField("message", max_length=255, blank=True)

    class Meta:
        verbose_name = "paiement par carte"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="catalog_payment_state")]

    def __str__(self):
        return f"Paiement {self.public_id} ({self.get_state_display()})"
