"""What a holder lets each employer see of their passeport de prévention (L. 4141-5:
consent total, partial or refused). No row means refused: nothing is shown by default."""

from django.db import models
from django.db.models import Q


class ConsentScope(models.TextChoices):
    ALL = "all", "Toutes mes formations en santé et sécurité"
    PART = "part", "Seulement les formations que je choisis"
    NONE = "none", "Aucune"


class PreventionConsent(models.Model):
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="employeur",
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope = models.CharField(
        "consentement", max_length=4, choices=ConsentScope.choices, default=ConsentScope.NONE
    )
    # With scope "part": the lineages of the PreventionTraining records shown (a new
    # version of a chosen training stays chosen).
    lineages = models.JSONField("formations choisies (lignées)", default=list, blank=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "consentement prévention"
        verbose_name_plural = "consentements prévention"
        ordering = ["person", "employer"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "employer"],
                name="prevention_consent_unique",
                violation_error_message="Un seul consentement par employeur.",
            ),
            models.CheckConstraint(
                condition=Q(scope__in=ConsentScope.values),
                name="prevention_consent_scope_known",
                violation_error_message="Étendue de consentement inconnue.",
            ),
        ]

    def __str__(self):
        return f"{self.person_id} → {self.employer_id} : {self.get_scope_display()}"

    def allows(self, record) -> bool:
        """Whether the employer may see this prevention record."""
        if self.scope == ConsentScope.ALL:
            return True
        return self.scope == ConsentScope.PART and str(record.lineage) in self.lineages
