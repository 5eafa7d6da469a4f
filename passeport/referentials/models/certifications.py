"""RNCP and Répertoire spécifique fiches (France Compétences) and what hangs off them."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from ..enums import FicheKind


class Fiche(models.Model):
    code = models.CharField("code", max_length=20, unique=True, help_text="RNCP12345, RS5286")
    kind = models.CharField("répertoire", max_length=4, choices=FicheKind.choices, db_index=True)
    title = models.TextField("intitulé")
    abbreviation = models.CharField("abrégé", max_length=50, blank=True, help_text="CAP, BTS…")
    level = models.PositiveSmallIntegerField(
        "niveau européen",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
    active = models.BooleanField("active", default=False, db_index=True)
    registered_on = models.DateField("date d'enregistrement", null=True, blank=True)
    expires_on = models.DateField("date de fin d'enregistrement", null=True, blank=True)
    # The successor's code is kept even when that fiche is not loaded (RNCP509 → RNCP38228
    # in the official export); the foreign key is filled whenever both are present.
    successor_code = models.CharField(
        "code de la nouvelle certification", max_length=20, blank=True
    )
    successor = models.ForeignKey(
        "self",
        verbose_name="nouvelle certification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
    )
    search_text = models.TextField("texte de recherche", editable=False)

    class Meta:
        verbose_name = "fiche RNCP / RS"
        verbose_name_plural = "fiches RNCP / RS"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=8),
                name="referentials_fiche_level_range",
                violation_error_message="Le niveau européen est compris entre 1 et 8.",
            )
        ]

    def __str__(self):
        return f"{self.code} – {self.title}"

    def successor_chain(self):
        """This fiche then its successors, in order; stops at the first repeat (cycle)."""
        chain, seen, fiche = [], set(), self
        while fiche is not None and fiche.pk not in seen:
            chain.append(fiche)
            seen.add(fiche.pk)
            fiche = fiche.successor
        return chain

    def resolve_active(self):
        """The most recent active fiche of the successor chain, else its last version."""
        chain = self.successor_chain()
        active = [fiche for fiche in chain if fiche.active]
        return active[-1] if active else chain[-1]


def resolve_active(code):
    """Fiche for `code` ("RNCP1197", "rs6117") followed along its successor chain.

    Returns the most recent active fiche of the chain (RNCP19468 → RS6117); when none is
    active, the last known version (RNCP1197 → … → RNCP30271), so that an old code still
    leads to today's certification; None when the code is unknown. Callers who need an
    active fiche check `.active`. A cycle in the data ends the chain.
    """
    fiche = Fiche.objects.filter(code=(code or "").strip().upper()).first()
    return fiche.resolve_active() if fiche else None


class FicheBloc(models.Model):
    code = models.CharField("code", max_length=30, unique=True, help_text="RNCP509BC01")
    fiche = models.ForeignKey(
        Fiche, verbose_name="fiche", on_delete=models.CASCADE, related_name="blocs"
    )
    title = models.TextField("intitulé")

    class Meta:
        verbose_name = "bloc de compétences"
        verbose_name_plural = "blocs de compétences"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.title}"


class FicheCertifier(models.Model):
    fiche = models.ForeignKey(
        Fiche, verbose_name="fiche", on_delete=models.CASCADE, related_name="certifiers"
    )
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        db_index=True,
        validators=[RegexValidator(r"^\d{14}$", "Le SIRET compte 14 chiffres.")],
    )
    name = models.CharField("nom", max_length=255)

    class Meta:
        verbose_name = "certificateur"
        ordering = ["fiche_id", "name", "siret"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiche", "name", "siret"],
                name="referentials_fichecertifier_unique",
                violation_error_message="Ce certificateur est déjà rattaché à cette fiche.",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.siret})" if self.siret else self.name


class FicheRome(models.Model):
    """A ROME code named by a fiche. The 2021 tables use ROME v3 codes: kept as strings."""

    fiche = models.ForeignKey(
        Fiche, verbose_name="fiche", on_delete=models.CASCADE, related_name="rome_codes"
    )
    rome_code = models.CharField("code ROME", max_length=5, db_index=True)
    rome_label = models.TextField("libellé ROME", blank=True)

    class Meta:
        verbose_name = "code ROME d'une fiche"
        verbose_name_plural = "codes ROME des fiches"
        ordering = ["fiche_id", "rome_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiche", "rome_code"],
                name="referentials_ficherome_unique",
                violation_error_message="Ce code ROME est déjà rattaché à cette fiche.",
            )
        ]

    def __str__(self):
        return f"{self.fiche_id} → {self.rome_code}"


class BlocSkill(models.Model):
    """A ROME compétence or savoir that a bloc de compétences names, derived at load time
    (`loaders.derived`): an item of the fiche's ROME jobs whose label shares words with
    the bloc's title. `words` keeps the shared words, which explain the link."""

    # No single-column indexes: the unique (bloc, skill) and (skill, bloc) cover them.
    bloc = models.ForeignKey(
        FicheBloc,
        verbose_name="bloc",
        on_delete=models.CASCADE,
        related_name="skill_links",
        db_index=False,
    )
    skill = models.ForeignKey(
        "RomeSkill",
        verbose_name="compétence",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    words = models.CharField("mots communs", max_length=255)

    class Meta:
        verbose_name = "compétence d'un bloc"
        verbose_name_plural = "compétences des blocs"
        ordering = ["bloc_id", "skill_id"]
        indexes = [models.Index(fields=["skill", "bloc"], name="blocskill_by_skill")]
        constraints = [
            models.UniqueConstraint(
                fields=["bloc", "skill"],
                name="referentials_blocskill_unique",
                violation_error_message="Cette compétence est déjà liée à ce bloc.",
            )
        ]

    def __str__(self):
        return f"{self.bloc_id} → {self.skill_id}"
