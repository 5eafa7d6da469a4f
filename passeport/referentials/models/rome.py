"""ROME 4.0 (France Travail): job codes and sub-codes, appellations, skills and links,
the competence tree, mobilities between jobs and work contexts."""

from django.db import models

from ..enums import Centrality, CompetenceAreaLevel, SkillKind


class RomeDomain(models.Model):
    """A grand domaine ("F", one letter) or a domaine professionnel ("F17")."""

    code = models.CharField("code", max_length=3, unique=True)
    label = models.TextField("libellé")

    class Meta:
        verbose_name = "domaine du ROME"
        verbose_name_plural = "domaines du ROME"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.label}"


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
    # Computed at load time (the same for everyone): what a coverage is a share of.
    item_count = models.PositiveIntegerField("compétences et savoirs", default=0)
    core_count = models.PositiveIntegerField("dont cœur de métier", default=0)

    class Meta:
        verbose_name = "code ROME"
        verbose_name_plural = "codes ROME"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.label}"

    @property
    def domain_code(self) -> str:
        """The domaine professionnel: the code's letter and two first digits ("F17")."""
        return self.code[:3]


class RomeAppellation(models.Model):
    ogr = models.CharField("code OGR", max_length=10, unique=True)
    label = models.TextField("libellé")
    short_label = models.TextField("libellé court", blank=True)
    rome = models.ForeignKey(
        RomeCode, verbose_name="code ROME", on_delete=models.PROTECT, related_name="appellations"
    )
    # "O" / "N" / "" in the file: a job for a cadre or not (compared with the PCS-ESE
    # category of a DSN contract when proposing a job).
    executive = models.BooleanField("emploi de cadre", null=True, blank=True)
    search_text = models.TextField("texte de recherche", editable=False)

    class Meta:
        verbose_name = "appellation ROME"
        verbose_name_plural = "appellations ROME"
        ordering = ["label", "ogr"]

    def __str__(self):
        return self.label


class RomeCompetenceArea(models.Model):
    """A domain ("1"), issue ("1B") or objective ("1B1") of the competence tree, above
    the macro-compétences ("1B101"). Loaded from `unix_arborescence_competences` when the
    release has it; the hierarchy itself is in the macro-compétences' codes."""

    code = models.CharField("code", max_length=4, unique=True)
    level = models.CharField("niveau", max_length=10, choices=CompetenceAreaLevel.choices)
    label = models.TextField("libellé")

    class Meta:
        verbose_name = "niveau de l'arborescence des compétences"
        verbose_name_plural = "arborescence des compétences"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.label}"


class RomeSkill(models.Model):
    """A compétence (savoir-faire, savoir-être professionnel) or a savoir, by code OGR.

    A compétence belongs to a macro-compétence (`macro`), itself placed in the tree by
    its code (`tree_code`, "1B101": domain 1, issue 1B, objective 1B1); a compétence
    carries its macro-compétence's code, so that grouping needs no join."""

    ogr = models.CharField("code OGR", max_length=10, unique=True)
    label = models.TextField("libellé")
    kind = models.CharField("nature", max_length=12, choices=SkillKind.choices, db_index=True)
    category = models.CharField("catégorie", max_length=100, blank=True)
    subcategory = models.CharField("sous-catégorie", max_length=100, blank=True)
    is_macro = models.BooleanField("macro-compétence", default=False)
    macro = models.ForeignKey(
        "self",
        verbose_name="macro-compétence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="competences",
    )
    tree_code = models.CharField("code dans l'arborescence", max_length=5, blank=True)
    search_text = models.TextField("texte de recherche", editable=False)

    class Meta:
        verbose_name = "compétence ROME"
        verbose_name_plural = "compétences ROME"
        ordering = ["label", "ogr"]

    def __str__(self):
        return self.label


class RomeSkillLink(models.Model):
    # No single-column indexes: the unique (rome, skill) and (skill, rome, centrality)
    # start with each column.
    rome = models.ForeignKey(
        RomeCode,
        verbose_name="code ROME",
        on_delete=models.CASCADE,
        related_name="skill_links",
        db_index=False,
    )
    skill = models.ForeignKey(
        RomeSkill,
        verbose_name="compétence",
        on_delete=models.CASCADE,
        related_name="rome_links",
        db_index=False,
    )
    kind = models.CharField("rubrique", max_length=12, choices=SkillKind.choices)
    centrality = models.CharField(
        "place dans le métier",
        max_length=10,
        choices=Centrality.choices,
        default=Centrality.OTHER,
    )

    class Meta:
        verbose_name = "lien ROME – compétence"
        verbose_name_plural = "liens ROME – compétences"
        ordering = ["rome_id", "kind", "skill_id"]
        indexes = [
            # Overlap of a profile with every job (job leads), from the skills' side.
            models.Index(fields=["skill", "rome", "centrality"], name="romeskilllink_by_skill")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rome", "skill"],
                name="referentials_romeskilllink_unique",
                violation_error_message="Cette compétence est déjà liée à ce code ROME.",
            )
        ]

    def __str__(self):
        return f"{self.rome_id} → {self.skill_id}"


class RomeMobility(models.Model):
    """A job France Travail names as a mobility from another (`unix_rubrique_mobilite`),
    in its order (1 first)."""

    source = models.ForeignKey(  # indexed by the unique (source, target)
        RomeCode,
        verbose_name="métier de départ",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    target = models.ForeignKey(
        RomeCode, verbose_name="métier proche", on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveSmallIntegerField("ordre")

    class Meta:
        verbose_name = "mobilité entre métiers"
        verbose_name_plural = "mobilités entre métiers"
        ordering = ["source_id", "rank", "target_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target"],
                name="referentials_romemobility_unique",
                violation_error_message="Cette mobilité existe déjà.",
            )
        ]

    def __str__(self):
        return f"{self.source_id} → {self.target_id} ({self.rank})"


class RomeWorkContext(models.Model):
    """A work context (hours, places, risks, status…), by code OGR."""

    ogr = models.CharField("code OGR", max_length=10, unique=True)
    label = models.TextField("libellé")
    category_code = models.CharField("code du type", max_length=5, blank=True)
    category = models.CharField("type de contexte", max_length=100, blank=True)

    class Meta:
        verbose_name = "contexte de travail"
        verbose_name_plural = "contextes de travail"
        ordering = ["category_code", "label"]

    def __str__(self):
        return self.label


class RomeContextLink(models.Model):
    rome = models.ForeignKey(  # indexed by the unique (rome, context)
        RomeCode,
        verbose_name="code ROME",
        on_delete=models.CASCADE,
        related_name="context_links",
        db_index=False,
    )
    context = models.ForeignKey(
        RomeWorkContext,
        verbose_name="contexte de travail",
        on_delete=models.CASCADE,
        related_name="rome_links",
    )

    class Meta:
        verbose_name = "contexte de travail d'un métier"
        verbose_name_plural = "contextes de travail des métiers"
        ordering = ["rome_id", "context_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rome", "context"],
                name="referentials_romecontextlink_unique",
                violation_error_message="Ce contexte est déjà lié à ce code ROME.",
            )
        ]

    def __str__(self):
        return f"{self.rome_id} → {self.context_id}"
