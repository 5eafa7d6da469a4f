from django.db import models


class EvidenceSource(models.TextChoices):
    """Why an item is in a holder's competence profile."""

    CERTIFICATION = "certification", "Diplôme ou certification"
    TRAINING = "training", "Formation suivie"
    JOB = "job", "Métier exercé"
    PREVENTION = "prevention", "Formation en santé et sécurité au travail"
    DECLARED = "declared", "Compétence déclarée"


class JobMatchStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposé, à confirmer"
    CONFIRMED = "confirmed", "Confirmé"
    CORRECTED = "corrected", "Corrigé par vous"
    DISMISSED = "dismissed", "Écarté"


# What a counsellor may see, part by part, as the holder chooses.
class GrantScope(models.TextChoices):
    CAREER = "career", "Mes expériences professionnelles"
    CERTIFICATIONS = "certifications", "Mes diplômes et certifications"
    TRAININGS = "trainings", "Mes formations, dont santé et sécurité au travail"
    DECLARED = "declared", "Mes engagements, compétences et autres éléments déclarés"
    ORIENTATION = "orientation", "Mon orientation : compétences, métiers visés et écarts"


class GrantStatus(models.TextChoices):
    ACTIVE = "active", "En cours"
    REVOKED = "revoked", "Révoqué"
    EXPIRED = "expired", "Arrivé à échéance"


class StepStatus(models.TextChoices):
    TODO = "todo", "À faire"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Fait"
