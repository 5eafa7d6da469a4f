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
