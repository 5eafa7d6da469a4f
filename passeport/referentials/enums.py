from django.db import models


class CommuneKind(models.TextChoices):
    """Kinds of the INSEE COG file (`type_code`)."""

    COM = "COM", "Commune"
    COMD = "COMD", "Commune déléguée"
    COMA = "COMA", "Commune associée"
    ARM = "ARM", "Arrondissement municipal"


class SkillKind(models.TextChoices):
    SAVOIR_FAIRE = "savoir_faire", "Savoir-faire"
    SAVOIR_ETRE = "savoir_etre", "Savoir-être professionnel"
    SAVOIR = "savoir", "Savoir"


class FicheKind(models.TextChoices):
    RNCP = "RNCP", "Répertoire national des certifications professionnelles (RNCP)"
    RS = "RS", "Répertoire spécifique (RS)"


class Centrality(models.TextChoices):
    """Where an item sits in a ROME job (`unix_coherence_item.coeur_metier`)."""

    CORE = "core", "Cœur de métier"
    EMERGING = "emerging", "Compétence émergente"
    OTHER = "other", "Hors cœur de métier"


class CompetenceAreaLevel(models.TextChoices):
    """Levels above the macro-compétence in ROME 4.0's competence tree."""

    DOMAIN = "domain", "Domaine de compétences"
    ISSUE = "issue", "Enjeu"
    OBJECTIVE = "objective", "Objectif"
