"""A provider's invoice for one training file (service fait validé → facturé → payé).
The lifecycle is `catalog.billing`."""

import uuid

from django.db import models
from django.db.models import Q

from passeport.core.storage import private_storage


def invoices_storage():
    """Where the sealed invoice PDFs are kept (`core.storage.private_storage`)."""
    return private_storage("invoices")


def _upload_to(invoice, filename):
    return f"{invoice.provider_id}/{invoice.year}/{filename}"


class Invoice(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    file = models.OneToOneField(
        "catalog.TrainingFile",
        verbose_name="dossier",
        on_delete=models.PROTECT,
        related_name="invoice",
    )
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisme de formation",
        on_delete=models.PROTECT,
        related_name="catalog_invoices",
    )
    # The provider's sequence of the year: F-<year>-<sequence on 6 digits>.
    year = models.PositiveSmallIntegerField("année")
    sequence = models.PositiveIntegerField("numéro d'ordre")
    number = models.CharField("numéro de facture", max_length=20)
    # What the invoice says, fixed when it is issued (cents).
    price_cents = models.PositiveIntegerField("prix du dossier (centimes)")
    completion_percent = models.PositiveSmallIntegerField("taux de réalisation")
    amount_cents = models.PositiveIntegerField("montant dû (centimes)")
    issued_at = models.DateTimeField("émise le")
    due_on = models.DateField("à payer au plus tard le")
    paid_on = models.DateField("payée le", null=True, blank=True)
    payment_reference = models.CharField("référence du virement", max_length=40, blank=True)
    pdf = models.FileField("PDF", storage=invoices_storage, upload_to=_upload_to, blank=True)

    class Meta:
        verbose_name = "facture"
        verbose_name_plural = "factures"
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["provider", "issued_at"], name="catalog_invoice_provider"),
            models.Index(fields=["paid_on", "due_on"], name="catalog_invoice_payment"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "year", "sequence"],
                name="catalog_invoice_sequence_unique",
                violation_error_message="Ce numéro de facture existe déjà pour cet organisme.",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | ~Q(payment_reference=""),
                name="catalog_invoice_paid_has_reference",
                violation_error_message="Un paiement a sa référence de virement.",
            ),
        ]

    def __str__(self):
        return f"Facture {self.number}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None

    @property
    def state_label(self) -> str:
        return "Payée" if self.is_paid else "Émise, en attente de paiement"

    def filename(self) -> str:
        return f"facture-{self.number}.pdf"
