"""Credit orders (« dotations »): a funder credits listed holders' accounts, once its
transfer is received. Restrictions (décret 2025-341) are kept as rows, queryable."""

import uuid

from django.db import models
from django.db.models import Q

from ..enums import Channel, CreditKind, LineStatus, OrderStatus, TargetDimension

ORDER_TRANSITIONS = {
    OrderStatus.AWAITING_PAYMENT: {OrderStatus.CREDITED, OrderStatus.CANCELLED},
    OrderStatus.CREDITED: set(),
    OrderStatus.CANCELLED: set(),
}


class CreditOrder(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="financeur",
        on_delete=models.PROTECT,
        related_name="credit_orders",
    )
    # The funder's own identifier: a second sending of the same order changes nothing.
    external_id = models.CharField("identifiant de la commande chez le financeur", max_length=64)
    kind = models.CharField("nature", max_length=25, choices=CreditKind)
    transfer_reference = models.CharField("libellé du virement", max_length=26, db_index=True)
    status = models.CharField(
        "état", max_length=20, choices=OrderStatus, default=OrderStatus.AWAITING_PAYMENT
    )
    channel = models.CharField("canal", max_length=10, choices=Channel)
    # Restriction to eligible trainings (empty lists: any) and end date of use.
    restricted = models.BooleanField("réservée à certaines formations", default=False)
    ends_on = models.DateField("utilisable jusqu'au", null=True, blank=True)
    total_cents = models.BigIntegerField("montant total (centimes)", default=0)
    line_count = models.PositiveIntegerField("nombre de lignes", default=0)
    created_at = models.DateTimeField("reçue le", auto_now_add=True)
    credited_at = models.DateTimeField("créditée le", null=True, blank=True)

    class Meta:
        verbose_name = "commande d'abondement"
        verbose_name_plural = "commandes d'abondement"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["funder", "external_id"],
                name="funding_order_unique_external_id",
                violation_error_message="Cette commande a déjà été reçue.",
            ),
        ]

    def __str__(self):
        return f"{self.external_id} — {self.funder.name}"

    @property
    def total_text(self) -> str:
        from passeport.cpf.rules import euros

        return euros(self.total_cents)


class OrderRestriction(models.Model):
    """One eligible code of a restricted order (certification, ROME, Formacode, provider)."""

    order = models.ForeignKey(CreditOrder, on_delete=models.CASCADE, related_name="restrictions")
    dimension = models.CharField("critère", max_length=15, choices=TargetDimension)
    code = models.CharField("code", max_length=20)

    class Meta:
        verbose_name = "restriction d'une commande"
        indexes = [models.Index(fields=["order", "dimension", "code"], name="funding_orestr")]

    def __str__(self):
        return f"{self.get_dimension_display()} {self.code}"


class CreditLine(models.Model):
    order = models.ForeignKey(CreditOrder, on_delete=models.CASCADE, related_name="lines")
    number = models.PositiveIntegerField("ligne")
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    # What the funder sent (its own data, shown back to it; never the NIR).
    birth_name = models.CharField("nom de naissance transmis", max_length=80)
    amount_cents = models.BigIntegerField("montant (centimes)")
    status = models.CharField("état", max_length=10, choices=LineStatus, default=LineStatus.PENDING)
    credited_at = models.DateTimeField("créditée le", null=True, blank=True)
    returned_cents = models.BigIntegerField("rendu au financeur (centimes)", default=0)
    returned_at = models.DateTimeField("rendue le", null=True, blank=True)

    class Meta:
        verbose_name = "ligne d'une commande d'abondement"
        ordering = ["order", "number"]
        indexes = [models.Index(fields=["person", "status"], name="funding_line_person")]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "person"],
                name="funding_line_one_per_person",
                violation_error_message="Ce titulaire figure déjà dans cette commande.",
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0),
                name="funding_line_positive",
                violation_error_message="Le montant d'une ligne est positif.",
            ),
        ]

    def __str__(self):
        return f"Ligne {self.number} de {self.order_id}"

    @property
    def amount_text(self) -> str:
        from passeport.cpf.rules import euros

        return euros(self.amount_cents)


class OrderTransition(models.Model):
    order = models.ForeignKey(CreditOrder, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("état précédent", max_length=20, blank=True)
    to_status = models.CharField("nouvel état", max_length=20, choices=OrderStatus)
    actor_label = models.CharField("acteur", max_length=255)
    note = models.TextField("note", blank=True)
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état d'une commande"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"
