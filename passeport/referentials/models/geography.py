"""INSEE Code officiel géographique: today's regions, départements, communes, countries.

Codes are kept as strings and the hierarchy as plain codes (not foreign keys): a NIR's
birthplace or a DSN address refers to a code, which may belong to a past geography.
"""

from django.db import models

from ..enums import CommuneKind


class Region(models.Model):
    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class Department(models.Model):
    code = models.CharField("code", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    region_code = models.CharField("code de la région", max_length=3, db_index=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class Commune(models.Model):
    """One row per (code, kind): a commune déléguée may share its code with its commune."""

    code = models.CharField("code INSEE", max_length=5, db_index=True)
    kind = models.CharField("type", max_length=4, choices=CommuneKind.choices)
    name = models.CharField("nom", max_length=100)
    department_code = models.CharField("code du département", max_length=3, db_index=True)
    region_code = models.CharField("code de la région", max_length=3)
    parent_code = models.CharField(
        "code de la commune de rattachement",
        max_length=5,
        blank=True,
        help_text="Pour une commune déléguée, associée ou un arrondissement municipal.",
    )
    search_text = models.TextField("texte de recherche", editable=False)

    class Meta:
        verbose_name = "commune"
        ordering = ["code", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "kind"],
                name="referentials_commune_code_kind_unique",
                violation_error_message="Cette commune (code et type) existe déjà.",
            )
        ]

    def __str__(self):
        suffix = "" if self.kind == CommuneKind.COM else f" ({self.get_kind_display().lower()})"
        return f"{self.name} ({self.code}){suffix}"


class Country(models.Model):
    code = models.CharField("code INSEE", max_length=5, unique=True, help_text="99xxx")
    iso2 = models.CharField("code ISO alpha-2", max_length=2, blank=True, db_index=True)
    iso3 = models.CharField("code ISO alpha-3", max_length=3, blank=True)
    name = models.CharField("nom", max_length=100)
    official_name = models.CharField("nom officiel", max_length=200, blank=True)
    search_text = models.TextField("texte de recherche", editable=False)

    class Meta:
        verbose_name = "pays"
        verbose_name_plural = "pays"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"
