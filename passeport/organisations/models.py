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
    funder, civic-engagement body, public employer or counselling service — often several at
    once."""

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
    # Compte d'engagement citoyen: associations, SDIS, reserves, the service civique
    # agency… validate the civic activities listed here (passeport.cpf.enums.CecActivity).
    is_civic_body = models.BooleanField("organisme d'engagement citoyen", default=False)
    civic_activities = models.JSONField("activités citoyennes validées", default=list, blank=True)
    association_declared_on = models.DateField("association déclarée le", null=True, blank=True)
    # Public employers declare their agents' years of service (CPF rights in hours).
    is_public_employer = models.BooleanField("employeur public", default=False)
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
                | Q(is_civic_body=True)
                | Q(is_public_employer=True)
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
            OrganisationKind.CIVIC_BODY: self.is_civic_body,
            OrganisationKind.PUBLIC_EMPLOYER: self.is_public_employer,
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


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", "En attente de décision"
    APPROVED = "approved", "Acceptée"
    REFUSED = "refused", "Refusée"


# status → the statuses it may move to (decided by an operator, once)
REGISTRATION_TRANSITIONS = {
    RegistrationStatus.PENDING: {RegistrationStatus.APPROVED, RegistrationStatus.REFUSED},
    RegistrationStatus.APPROVED: set(),
    RegistrationStatus.REFUSED: set(),
}


class RegistrationRequest(models.Model):
    """A professional whose organisation (SIRET from ProConnect) the service does not know
    asks for it to be registered; an operator approves (the organisation is created, the
    requester becomes its administrator at their next login) or refuses, with a reason."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    siret = models.CharField("SIRET", max_length=14, validators=[siret_validator])
    name = models.CharField("raison sociale", max_length=255)
    kinds = models.JSONField("rôles demandés", default=list)
    nda_number = models.CharField("numéro de déclaration d'activité", max_length=11, blank=True)
    certifier_id_client = models.CharField("idClient certificateur", max_length=8, blank=True)
    message = models.TextField("message du demandeur", blank=True)
    # The requester, as ProConnect vouched for them (their account is made at the next
    # login, once the organisation exists).
    provider = models.CharField("fournisseur d'identité", max_length=30)
    sub = models.CharField("identifiant chez le fournisseur", max_length=255)
    email = models.EmailField("adresse électronique")
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    status = models.CharField(
        "état", max_length=10, choices=RegistrationStatus, default=RegistrationStatus.PENDING
    )
    reason = models.TextField("motif du refus", blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisation créée",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("demandée le", auto_now_add=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande d'inscription d'organisation"
        verbose_name_plural = "demandes d'inscription d'organisations"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=Q(status="pending"),
                name="one_pending_registration_per_siret",
                violation_error_message="Une demande est déjà en cours pour ce SIRET.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "refused"]),
                name="registration_status_known",
                violation_error_message="État de demande inconnu.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.siret}) — {self.get_status_display()}"

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(OrganisationKind.choices)
        return [labels.get(kind, kind) for kind in self.kinds]


class RegistrationTransition(models.Model):
    request = models.ForeignKey(
        RegistrationRequest,
        verbose_name="demande",
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField("état précédent", max_length=10, blank=True)
    to_status = models.CharField("nouvel état", max_length=10, choices=RegistrationStatus)
    actor_label = models.CharField("acteur", max_length=255)
    note = models.TextField("note", blank=True)
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état d'une demande d'inscription"
        verbose_name_plural = "changements d'état des demandes d'inscription"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"
