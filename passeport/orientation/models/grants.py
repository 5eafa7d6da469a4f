"""A holder's grant of access to a counselling organisation, its transition log, and the
action plan the counsellors write for the holder.

A grant is a state machine (`services.grants.TRANSITIONS`): active → revoked (by the
holder, at any time) or → expired (by the scheduled `expire_orientation_grants`, once its
last day has passed). Every change is a `GrantTransition` and a journal entry."""

import datetime
import uuid

from django.db import models
from django.db.models import F, Q

from ..enums import GrantScope, GrantStatus, StepStatus


class CounsellingGrant(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisation d'accompagnement",
        on_delete=models.PROTECT,
        related_name="counselling_grants",
    )
    scopes = models.JSONField("parties partagées", default=list)
    purpose = models.CharField("objet de l'accompagnement", max_length=255, blank=True)
    starts_on = models.DateField("à partir du")
    ends_on = models.DateField("jusqu'au (inclus)")
    status = models.CharField(
        "état", max_length=10, choices=GrantStatus.choices, default=GrantStatus.ACTIVE
    )
    status_changed_at = models.DateTimeField("état changé le", null=True, blank=True)
    created_at = models.DateTimeField("accordé le", auto_now_add=True)

    class Meta:
        verbose_name = "accès accordé à un conseiller"
        verbose_name_plural = "accès accordés aux conseillers"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="grant_organisation_status"),
            models.Index(fields=["status", "ends_on"], name="grant_status_ends_on"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=Q(status=GrantStatus.ACTIVE),
                name="orientation_one_active_grant",
                violation_error_message=(
                    "Vous avez déjà accordé un accès en cours à cette organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="orientation_grant_period_in_order",
                violation_error_message="La fin de l'accès ne précède pas son début.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=GrantStatus.values),
                name="orientation_grant_status_known",
                violation_error_message="État d'accès inconnu.",
            ),
        ]

    def __str__(self):
        return f"Accès {self.public_id} ({self.get_status_display()})"

    def is_effective(self, day: datetime.date) -> bool:
        """Computed on every read, so that a late expiry job never leaves a door open."""
        return self.status == GrantStatus.ACTIVE and self.starts_on <= day <= self.ends_on

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def scope_labels(self) -> list[str]:
        return [GrantScope(scope).label for scope in GrantScope.values if scope in self.scopes]


class GrantTransition(models.Model):
    grant = models.ForeignKey(
        CounsellingGrant,
        verbose_name="accès",
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField("état précédent", max_length=10, blank=True)
    to_status = models.CharField("nouvel état", max_length=10, choices=GrantStatus.choices)
    actor_kind = models.CharField("type d'acteur", max_length=20)
    actor_label = models.CharField("acteur", max_length=255)
    reason = models.CharField("motif", max_length=255, blank=True)
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "changement d'état d'un accès"
        verbose_name_plural = "changements d'état des accès"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"


class ActionStep(models.Model):
    """One step of the action plan a counselling organisation writes for a holder. It
    stays the holder's to read after the access ends; the counsellors lose it then."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisation d'accompagnement",
        on_delete=models.PROTECT,
        related_name="+",
    )
    grant = models.ForeignKey(
        CounsellingGrant,
        verbose_name="écrit pendant l'accès",
        on_delete=models.PROTECT,
        related_name="steps",
    )
    title = models.CharField("étape", max_length=255)
    detail = models.TextField("précisions", blank=True)
    due_on = models.DateField("échéance", null=True, blank=True)
    status = models.CharField(
        "état", max_length=12, choices=StepStatus.choices, default=StepStatus.TODO
    )
    author_label = models.CharField("rédigé par", max_length=255)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "étape d'un plan d'action"
        verbose_name_plural = "étapes des plans d'action"
        ordering = ["due_on", "created_at", "pk"]
        indexes = [models.Index(fields=["person", "organisation"], name="step_person_org")]

    def __str__(self):
        return self.title
