"""The offer, after LHEO 2.3: a training (formation) → its actions → their sessions.

Each level keeps the provider's own identifier (`provider_ref`: LHEO's `numero`), unique
per provider, so that a re-import or an API call updates what it created before."""

import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q

from ..enums import CodeKind, EnrolmentStatus, Modality


class Training(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisme de formation",
        on_delete=models.PROTECT,
        related_name="catalog_trainings",
    )
    provider_ref = models.CharField("identifiant chez l'organisme", max_length=100)
    title = models.CharField("intitulé", max_length=255)
    objectives = models.TextField("objectifs")
    content = models.TextField("contenu", blank=True)
    expected_results = models.TextField("résultats attendus", blank=True)
    certification_code = models.CharField("certification (RNCP / RS)", max_length=20, blank=True)
    fiche = models.ForeignKey(
        "referentials.Fiche",
        verbose_name="fiche RNCP / RS",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField("niveau européen", null=True, blank=True)
    has_prerequisites = models.BooleanField("avec prérequis", default=False)
    search_text = models.TextField("texte de recherche", editable=False, blank=True)
    # PostgreSQL only (GIN index, migration 0002); SQLite searches its FTS5 table.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        verbose_name = "formation"
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_ref"],
                name="catalog_training_provider_ref",
                violation_error_message=(
                    "Cet identifiant de formation existe déjà chez l'organisme."
                ),
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=8),
                name="catalog_training_level_range",
                violation_error_message="Le niveau européen est compris entre 1 et 8.",
            ),
        ]

    def __str__(self):
        return self.title

    def codes_of(self, kind: str) -> list[str]:
        return [code.code for code in self.codes.all() if code.kind == kind]


class TrainingCode(models.Model):
    """A Formacode, NSF or ROME code of a training (LHEO's domaine-formation)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="codes")
    kind = models.CharField("type", max_length=10, choices=CodeKind.choices)
    code = models.CharField("code", max_length=10)

    class Meta:
        verbose_name = "code d'une formation"
        ordering = ["training_id", "kind", "code"]
        indexes = [models.Index(fields=["kind", "code"], name="catalog_code_kind_code")]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "kind", "code"],
                name="catalog_code_unique",
                violation_error_message="Ce code est déjà rattaché à cette formation.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.code}"


class Action(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    training = models.ForeignKey(
        Training, verbose_name="formation", on_delete=models.CASCADE, related_name="actions"
    )
    provider_ref = models.CharField("identifiant chez l'organisme", max_length=100)
    price_cents = models.PositiveIntegerField("prix TTC (centimes)")
    hours = models.PositiveIntegerField("durée (heures)")
    modality = models.CharField("modalité", max_length=10, choices=Modality.choices)
    prerequisites = models.TextField("prérequis", blank=True)
    # Place (COG): empty for a training entirely remote.
    commune_code = models.CharField("commune (code INSEE)", max_length=5, blank=True)
    commune_name = models.CharField("commune", max_length=100, blank=True)
    department_code = models.CharField("département", max_length=3, blank=True, db_index=True)
    region_code = models.CharField("région", max_length=3, blank=True, db_index=True)

    class Meta:
        verbose_name = "action de formation"
        verbose_name_plural = "actions de formation"
        ordering = ["price_cents", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "provider_ref"],
                name="catalog_action_provider_ref",
                violation_error_message="Cet identifiant d'action existe déjà pour la formation.",
            ),
            models.CheckConstraint(
                condition=Q(modality=Modality.REMOTE) | ~Q(commune_code=""),
                name="catalog_action_place",
                violation_error_message="Une action en présentiel ou mixte a un lieu.",
            ),
        ]

    def __str__(self):
        return f"{self.training} ({self.get_modality_display()})"


class Session(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    action = models.ForeignKey(
        Action, verbose_name="action", on_delete=models.CASCADE, related_name="sessions"
    )
    provider_ref = models.CharField("identifiant chez l'organisme", max_length=100)
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    enrolment = models.CharField(
        "inscriptions",
        max_length=10,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.OPEN,
    )
    capacity = models.PositiveIntegerField("places", null=True, blank=True)

    class Meta:
        verbose_name = "session"
        ordering = ["start_date", "pk"]
        indexes = [models.Index(fields=["start_date", "enrolment"], name="catalog_session_start")]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "provider_ref"],
                name="catalog_session_provider_ref",
                violation_error_message="Cet identifiant de session existe déjà pour l'action.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="catalog_session_dates_in_order",
                violation_error_message="La fin de la session ne précède pas son début.",
            ),
        ]

    def __str__(self):
        return f"{self.action.training} du {self.start_date:%d/%m/%Y}"


class CertifierAuthorisation(models.Model):
    """A certifier authorises a provider to prepare to one of its certifications (beyond
    the certifiers the RNCP/RS fiche names, who are authorised by themselves)."""

    certifier = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    certification_code = models.CharField("certification", max_length=20)
    granted_at = models.DateTimeField("accordée le", auto_now_add=True)
    revoked_at = models.DateTimeField("retirée le", null=True, blank=True)

    class Meta:
        verbose_name = "habilitation d'un certificateur"
        ordering = ["-granted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certifier", "provider", "certification_code"],
                condition=Q(revoked_at__isnull=True),
                name="catalog_authorisation_once",
                violation_error_message="Cette habilitation est déjà accordée.",
            )
        ]

    def __str__(self):
        return f"{self.certification_code} : {self.provider_id} habilité par {self.certifier_id}"
