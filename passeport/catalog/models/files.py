"""The training file (dossier EDOF): a holder's request on a session, its proposal, its
plan of funding, and its transition log. The state machine is `catalog.files`."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..enums import BillingState, FileState, ReasonCode


class TrainingFile(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    reference = models.CharField("numéro de dossier", max_length=20, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        "catalog.Session", verbose_name="session", on_delete=models.PROTECT, related_name="files"
    )
    provider = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisme de formation",
        on_delete=models.PROTECT,
        related_name="catalog_files",
    )
    state = models.CharField(
        "état", max_length=40, choices=FileState.choices, default=FileState.NOT_PROCESSED
    )
    state_changed_at = models.DateTimeField("état changé le")
    # The next step's last day (the deadline job acts the day after); null: no deadline.
    act_before = models.DateField("à traiter avant le", null=True, blank=True)
    holder_message = models.TextField("message du titulaire", blank=True)
    # The provider's proposal (validated).
    price_cents = models.PositiveIntegerField("prix proposé (centimes)")
    hours = models.PositiveIntegerField("durée (heures)")
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    # The plan of funding, fixed at acceptance (cents).
    funder_cents = models.PositiveIntegerField("abondements du financeur", default=0)
    rights_cents = models.PositiveIntegerField("droits du titulaire", default=0)
    topups = models.JSONField("abondements complémentaires", default=list, blank=True)
    contribution_cents = models.PositiveIntegerField("participation forfaitaire", default=0)
    card_cents = models.PositiveIntegerField("reste à payer par carte", default=0)
    # Entry, exit, service done.
    entered_on = models.DateField("entrée en formation le", null=True, blank=True)
    exited_on = models.DateField("sortie le", null=True, blank=True)
    exit_reason = models.CharField(
        "motif de sortie", max_length=40, choices=ReasonCode.choices, blank=True
    )
    completion_percent = models.PositiveSmallIntegerField(
        "taux de réalisation", null=True, blank=True
    )
    absence_hours = models.PositiveIntegerField("heures d'absence", null=True, blank=True)
    certification_obtained = models.BooleanField("certification obtenue", null=True, blank=True)
    under_control = models.BooleanField("en contrôle", default=False)
    billing = models.CharField(
        "facturation", max_length=10, choices=BillingState.choices, default="", blank=True
    )
    paid_on = models.DateField("payé le", null=True, blank=True)
    reason_code = models.CharField("motif", max_length=40, choices=ReasonCode.choices, blank=True)
    record = models.ForeignKey(
        "records.Training",
        verbose_name="entrée du passeport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)

    class Meta:
        verbose_name = "dossier de formation"
        verbose_name_plural = "dossiers de formation"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "act_before"], name="catalog_file_deadline"),
            models.Index(fields=["provider", "state"], name="catalog_file_provider_state"),
            models.Index(fields=["person", "state"], name="catalog_file_person_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_percent__isnull=True) | Q(completion_percent__lte=100),
                name="catalog_file_completion_range",
                violation_error_message="Le taux de réalisation est compris entre 0 et 100 %.",
            ),
            models.CheckConstraint(
                condition=Q(state__in=FileState.values),
                name="catalog_file_state_known",
                violation_error_message="État de dossier inconnu.",
            ),
        ]

    def __str__(self):
        return f"Dossier {self.reference}"

    @property
    def holder_cents(self) -> int:
        return self.contribution_cents + self.card_cents


class FileTransition(models.Model):
    file = models.ForeignKey(TrainingFile, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField("état précédent", max_length=40, blank=True)
    to_state = models.CharField("nouvel état", max_length=40, choices=FileState.choices)
    actor_kind = models.CharField("type d'acteur", max_length=20)
    actor_label = models.CharField("acteur", max_length=255)
    reason_code = models.CharField("motif", max_length=40, choices=ReasonCode.choices, blank=True)
    detail = models.CharField("précisions", max_length=500, blank=True)
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état d'un dossier"
        verbose_name_plural = "changements d'état des dossiers"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_state or '∅'} → {self.to_state}"


class FileNotice(models.Model):
    """An in-service notification about a file, to its holder (person) or to the members
    of its provider (organisation): at each step that asks them to act."""

    file = models.ForeignKey(TrainingFile, on_delete=models.CASCADE, related_name="notices")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.CharField("message", max_length=300)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    read_at = models.DateTimeField("lue le", null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "notification d'un dossier"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
                name="catalog_notice_one_recipient",
                violation_error_message="Une notification a un seul destinataire.",
            )
        ]

    def __str__(self):
        return self.text
