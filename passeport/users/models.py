import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models

from .enums import IdentityProvider, UserKind


class User(AbstractUser):
    """Anyone who logs in: a holder (through FranceConnect), a professional (ProConnect),
    or an operator. A holder's user points at their person; the NIR stays on the person."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    kind = models.CharField("type", max_length=20, choices=UserKind.choices)
    identity_provider = models.CharField(
        "fournisseur d'identité", max_length=30, choices=IdentityProvider.choices
    )
    person = models.OneToOneField(
        "people.Person",
        verbose_name="titulaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
    )

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="holder", person__isnull=False) | ~models.Q(kind="holder"),
                name="user_holder_has_person",
                violation_error_message="Un compte titulaire est rattaché à une personne.",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username
