import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from .enums import MembershipRole, OrganisationKind
from .siret import SiretError, validate_siret


def siret_validator(value):
    from django.core.exceptions import ValidationError

    try:
        validate_siret(value)
    except SiretError as error:
        raise ValidationError(str(error)) from error


class Organisation(models.Model):
    """An establishment (by SIRET) acting as employer, training provider, certifier,
    funder or counselling service — often several at once."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[siret_validator])
    siren = models.CharField("SIREN", max_length=9, db_index=True, editable=False)
    name = models.CharField("raison sociale", max_length=255)
    naf_code = models.CharField(
        "code NAF",
        max_length=6,
        blank=True,
        validators=[
            RegexValidator(r"^\d{2}\.\d{2}[A-Z]$", "Code NAF attendu sous la forme 62.01Z.")
        ],
    )
    is_employer = models.BooleanField("employeur", default=False)
    is_training_provider = models.BooleanField("organisme de formation", default=False)
    is_certifier = models.BooleanField("certificateur", default=False)
    is_funder = models.BooleanField("financeur", default=False)
    # Conseil en évolution professionnelle, France Travail, missions locales, APEC, Cap
    # emploi: holders grant them access to parts of their passport (orientation).
    is_counselling = models.BooleanField("accompagnement (conseil en évolution)", default=False)
    # Training provider: numéro de déclaration d'activité (11 digits) and Qualiopi.
    nda_number = models.CharField(
        "numéro de déclaration d'activité",
        max_length=11,
        blank=True,
        validators=[RegexValidator(r"^\d{11}$", "Le NDA comporte 11 chiffres.")],
    )
    qualiopi_valid_until = models.DateField("certifié Qualiopi jusqu'au", null=True, blank=True)
    # Certifier: identifiers given by the Caisse des Dépôts for accrochage files.
    certifier_id_client = models.CharField(
        "idClient certificateur",
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9]{8}$", "L'idClient comporte 8 caractères.")],
    )
    certifier_id_contrat = models.CharField("idContrat certificateur", max_length=20, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_employer=True)
                | Q(is_training_provider=True)
                | Q(is_certifier=True)
                | Q(is_funder=True)
                | Q(is_counselling=True),
                name="organisation_has_a_kind",
                violation_error_message="Une organisation a au moins un rôle.",
            ),
            models.CheckConstraint(
                condition=Q(is_training_provider=False) | ~Q(nda_number=""),
                name="training_provider_has_nda",
                violation_error_message=(
                    "Un organisme de formation a un numéro de déclaration d'activité."
                ),
            ),
            models.CheckConstraint(
                condition=Q(is_certifier=False) | ~Q(certifier_id_client=""),
                name="certifier_has_id_client",
                violation_error_message="Un certificateur a un idClient.",
            ),
            models.UniqueConstraint(
                fields=["certifier_id_client"],
                condition=~Q(certifier_id_client=""),
                name="unique_certifier_id_client",
                violation_error_message="Cet idClient est déjà attribué.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.siret})"

    def save(self, *args, **kwargs):
        self.siren = self.siret[:9]
        super().save(*args, **kwargs)

    @property
    def kinds(self) -> list[str]:
        flags = {
            OrganisationKind.EMPLOYER: self.is_employer,
            OrganisationKind.TRAINING_PROVIDER: self.is_training_provider,
            OrganisationKind.CERTIFIER: self.is_certifier,
            OrganisationKind.FUNDER: self.is_funder,
            OrganisationKind.COUNSELLING: self.is_counselling,
        }
        return [kind for kind, on in flags.items() if on]


class Membership(models.Model):
    """A professional user acting for an organisation, with a role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=10, choices=MembershipRole.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "membre"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="unique_membership",
                violation_error_message="Cette personne est déjà membre de l'organisation.",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"
