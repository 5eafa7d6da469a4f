"""What orientation keeps for a holder (job matches, saved targets) and what it
precomputes for everyone (prevention training kinds → ROME items)."""

import uuid

from django.db import models

from ..enums import JobMatchStatus


class JobMatch(models.Model):
    """The ROME job that a job title of the holder's passport stands for.

    Proposed by a search over the ROME appellations from the title (a DSN `libellé
    emploi` or a declared experience) and its PCS-ESE code, then confirmed, corrected or
    dismissed by the holder — once per distinct title, whatever the number of contracts
    that carry it. Only confirmed or corrected jobs count in the competence profile."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.CASCADE, related_name="+"
    )
    # normalize(title) + "|" + PCS-ESE: what "the same title" means.
    label_key = models.CharField("clé de l'intitulé", max_length=300)
    job_title = models.CharField("intitulé de l'emploi", max_length=255)
    pcs_ese = models.CharField("code PCS-ESE", max_length=4, blank=True)
    proposed = models.ForeignKey(
        "referentials.RomeAppellation",
        verbose_name="métier proposé",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    candidates = models.JSONField("autres propositions (codes OGR)", default=list, blank=True)
    appellation = models.ForeignKey(
        "referentials.RomeAppellation",
        verbose_name="métier retenu",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        "état", max_length=10, choices=JobMatchStatus.choices, default=JobMatchStatus.PROPOSED
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    created_at = models.DateTimeField("proposé le", auto_now_add=True)

    class Meta:
        verbose_name = "métier exercé (correspondance ROME)"
        verbose_name_plural = "métiers exercés (correspondances ROME)"
        ordering = ["job_title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "label_key"],
                name="orientation_jobmatch_unique",
                violation_error_message="Cet intitulé a déjà sa correspondance.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["proposed", "dismissed"])
                | models.Q(appellation__isnull=False),
                name="orientation_jobmatch_decided_has_job",
                violation_error_message="Un métier confirmé ou corrigé désigne une appellation.",
            ),
        ]

    def __str__(self):
        return f"{self.job_title} ({self.get_status_display()})"

    @property
    def counts(self) -> bool:
        return self.status in (JobMatchStatus.CONFIRMED, JobMatchStatus.CORRECTED)


class SavedTarget(models.Model):
    """A job the holder aims for, kept to come back to and to compare."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.CASCADE, related_name="+"
    )
    rome = models.ForeignKey(
        "referentials.RomeCode", verbose_name="métier", on_delete=models.PROTECT, related_name="+"
    )
    appellation = models.ForeignKey(
        "referentials.RomeAppellation",
        verbose_name="appellation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "métier visé"
        verbose_name_plural = "métiers visés"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "rome"],
                name="orientation_savedtarget_unique",
                violation_error_message="Ce métier est déjà dans vos métiers visés.",
            )
        ]

    def __str__(self):
        return str(self.appellation or self.rome)

    @property
    def label(self) -> str:
        return self.appellation.label if self.appellation_id else self.rome.label


class PreventionKindSkill(models.Model):
    """A ROME item that a kind of prevention training (the maintained catalogue,
    `prevention.catalogue`) stands for: computed from the referentials after each load
    (`orientation.index`), the same for everyone."""

    kind = models.CharField("type de formation (catalogue)", max_length=40)
    skill = models.ForeignKey(
        "referentials.RomeSkill",
        verbose_name="compétence",
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = "compétence d'un type de formation de prévention"
        verbose_name_plural = "compétences des types de formation de prévention"
        ordering = ["kind", "skill_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "skill"],
                name="orientation_preventionkindskill_unique",
                violation_error_message="Ce lien existe déjà.",
            )
        ]

    def __str__(self):
        return f"{self.kind} → {self.skill_id}"
