"""Follow-up of prevention trainings: expiry reminders and their in-service
notifications, the employer's own list of employees, and posts with the trainings they
require.

A reminder is sent once per (recipient, record lineage, end of validity, milestone): the
partial unique constraints below are what makes `send_reminders` idempotent, even when
two runs overlap. A correction that moves the end of validity starts a new series."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from passeport.prevention.catalogue import CHOICES as KIND_CHOICES


class RecipientKind(models.TextChoices):
    HOLDER = "holder", "Titulaire"
    EMPLOYER = "employer", "Employeur"


class Milestone(models.IntegerChoices):
    DAYS_90 = 90, "Échéance dans 90 jours"
    DAYS_30 = 30, "Échéance dans 30 jours"
    EXPIRY = 0, "Échéance atteinte"


class Reminder(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    recipient_kind = models.CharField("destinataire", max_length=10, choices=RecipientKind.choices)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="employeur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    record_lineage = models.UUIDField("lignée de la formation")
    record_version = models.PositiveIntegerField("version de la formation")
    record_public_id = models.UUIDField("formation (version rappelée)")
    training_title = models.CharField("intitulé", max_length=500)
    valid_until = models.DateField("fin de validité")
    milestone = models.PositiveSmallIntegerField("échéance", choices=Milestone.choices)
    due_on = models.DateField("jour du rappel")
    emails_sent = models.PositiveIntegerField("courriels envoyés", default=0)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "rappel d'échéance"
        verbose_name_plural = "rappels d'échéance"
        ordering = ["-due_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "recipient_kind"], name="reminder_person_kind"),
            models.Index(fields=["employer", "due_on"], name="reminder_employer_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["record_lineage", "valid_until", "milestone"],
                condition=Q(recipient_kind="holder"),
                name="reminder_holder_once",
                violation_error_message="Ce rappel a déjà été envoyé au titulaire.",
            ),
            models.UniqueConstraint(
                fields=["employer", "record_lineage", "valid_until", "milestone"],
                condition=Q(recipient_kind="employer"),
                name="reminder_employer_once",
                violation_error_message="Ce rappel a déjà été envoyé à cet employeur.",
            ),
            models.CheckConstraint(
                condition=Q(recipient_kind="holder", employer__isnull=True)
                | Q(recipient_kind="employer", employer__isnull=False),
                name="reminder_employer_iff_employer_recipient",
                violation_error_message="Un rappel à l'employeur nomme l'employeur, et lui seul.",
            ),
        ]

    def __str__(self):
        return f"{self.training_title} — {self.get_milestone_display()}"

    @property
    def message(self) -> str:
        """The French sentence shown in the service and in the e-mail's subject line."""
        day = self.valid_until.strftime("%d/%m/%Y")
        if self.milestone == Milestone.EXPIRY:
            return f"« {self.training_title} » n'est plus valable depuis le {day}."
        return f"« {self.training_title} » arrive à échéance le {day}."


class Notification(models.Model):
    """A reminder as shown in the service, to a holder (by person: they see it whenever
    they log in, even if their account was created later) or to a member of an employer
    organisation (by user)."""

    reminder = models.ForeignKey(
        Reminder, verbose_name="rappel", on_delete=models.CASCADE, related_name="notifications"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="titulaire destinataire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="professionnel destinataire",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    read_at = models.DateTimeField("lue le", null=True, blank=True)

    class Meta:
        verbose_name = "notification"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "read_at"], name="notification_person_read"),
            models.Index(fields=["user", "read_at"], name="notification_user_read"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, user__isnull=True)
                | Q(person__isnull=True, user__isnull=False),
                name="notification_one_recipient",
                violation_error_message="Une notification a un seul destinataire.",
            ),
            models.UniqueConstraint(
                fields=["reminder", "user"],
                condition=Q(user__isnull=False),
                name="notification_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["reminder"],
                condition=Q(person__isnull=False),
                name="notification_once_per_holder",
            ),
        ]

    def __str__(self):
        return self.reminder.message


class RosterState(models.TextChoices):
    ADDED = "added", "Ajouté par l'employeur"
    REMOVED = "removed", "Retiré par l'employeur"


class RosterEntry(models.Model):
    """The employer's own list, on top of its DSN employment periods: a person added
    (by NIR + birth name) or a DSN employee removed from the board."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    employer = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="employeur",
        on_delete=models.CASCADE,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="salarié", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("état", max_length=10, choices=RosterState.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifié par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "salarié suivi"
        verbose_name_plural = "salariés suivis"
        ordering = ["employer", "pk"]
        indexes = [models.Index(fields=["employer", "state"], name="roster_employer_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "person"],
                name="roster_unique",
                violation_error_message="Cette personne figure déjà dans la liste.",
            ),
        ]

    def __str__(self):
        return f"{self.employer_id} × {self.person_id} : {self.get_state_display()}"


class Post(models.Model):
    """A post defined by the employer, with the catalogue kinds it requires."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    employer = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="employeur",
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField("intitulé du poste", max_length=150)
    required_kinds = models.JSONField("formations exigées (codes du catalogue)", default=list)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "poste"
        ordering = ["employer", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "name"],
                name="post_unique_name",
                violation_error_message="Un poste porte déjà ce nom.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def required_labels(self) -> list[str]:
        labels = dict(KIND_CHOICES)
        return [labels.get(code, code) for code in self.required_kinds]


class PostAssignment(models.Model):
    post = models.ForeignKey(
        Post, verbose_name="poste", on_delete=models.CASCADE, related_name="assignments"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="salarié", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("affecté le", auto_now_add=True)

    class Meta:
        verbose_name = "affectation à un poste"
        verbose_name_plural = "affectations à un poste"
        ordering = ["post", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "person"],
                name="post_assignment_unique",
                violation_error_message="Ce salarié occupe déjà ce poste.",
            ),
        ]

    def __str__(self):
        return f"{self.post} × {self.person_id}"
