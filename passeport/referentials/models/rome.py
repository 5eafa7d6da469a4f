"""ROME 4.0 (France Travail): job codes and sub-codes, appellations, skills and links."""

from django.db import models

from ..enums import SkillKind


class RomeCode(models.Model):
    """A ROME fiche ("M1805") or one of its sub-codes (e.g. "M1813", parent "M1805")."""

    code = models.CharField("code", max_length=5, unique=True)
    label = models.TextField("libellé")
    parent = models.ForeignKey(
        "self",
        verbose_name="code ROME parent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    ogr = models.CharField("code OGR", max_length=10, db_index=True)
    search_text = models.TextField("texte de recherche", editable=False)
    skills = models.ManyToManyField(
        "RomeSkill", through="RomeSkillLink", related_name="rome_codes", verbose_name="compétences"
    )

    class Meta:
        verbose_name = "code ROME"
        verbose_name_plural = "codes ROME"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.label}"


class RomeAppellation(models.Model):
    ogr = models.CharField("code OGR", max_length=10, unique=True)
    label = models.TextField("libellé")
    short_label = models.TextField("libellé court", blank=True)
    rome = models.ForeignKey(
        RomeCode, verbose_name="code ROME", on_delete=models.PROTECT, related_name="appellations"
    )
    search_text = models.TextField("texte de recherche", editable=False)

    class Meta:
        verbose_name = "appellation ROME"
        verbose_name_plural = "appellations ROME"
        ordering = ["label", "ogr"]

    def __str__(self):
        return self.label


class RomeSkill(models.Model):
    """A compétence (savoir-faire, savoir-être professionnel) or a savoir, by code OGR."""

    ogr = models.CharField("code OGR", max_length=10, unique=True)
    label = models.TextField("libellé")
    kind = models.CharField("nature", max_length=12, choices=SkillKind.choices, db_index=True)
    category = models.CharField("catégorie", max_length=100, blank=True)
    subcategory = models.CharField("sous-catégorie", max_length=100, blank=True)
    search_text = models.TextField("texte de recherche", editable=False)

    class Meta:
        verbose_name = "compétence ROME"
        verbose_name_plural = "compétences ROME"
        ordering = ["label", "ogr"]

    def __str__(self):
        return self.label


class RomeSkillLink(models.Model):
    rome = models.ForeignKey(
        RomeCode, verbose_name="code ROME", on_delete=models.CASCADE, related_name="skill_links"
    )
    skill = models.ForeignKey(
        RomeSkill, verbose_name="compétence", on_delete=models.CASCADE, related_name="rome_links"
    )
    kind = models.CharField("rubrique", max_length=12, choices=SkillKind.choices)

    class Meta:
        verbose_name = "lien ROME – compétence"
        verbose_name_plural = "liens ROME – compétences"
        ordering = ["rome_id", "kind", "skill_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rome", "skill"],
                name="referentials_romeskilllink_unique",
                violation_error_message="Cette compétence est déjà liée à ce code ROME.",
            )
        ]

    def __str__(self):
        return f"{self.rome_id} → {self.skill_id}"
