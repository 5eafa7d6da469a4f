"""Enumerations of the prevention declarations: the official ADF/JDR values keep their
official spelling as stored value (they travel in files and the API), with French labels."""

from django.db import models

from passeport.records.enums import PreventionDeclarationKind as DeclarationKind

__all__ = [
    "AwardMode",
    "Channel",
    "DeclarantRole",
    "DeclarationKind",
    "ImportStatus",
    "JdrType",
    "LineStatus",
    "Modality",
    "ReviewStatus",
    "TrainerQualification",
]


class DeclarantRole(models.TextChoices):
    PROVIDER = "provider", "Organisme de formation"
    EMPLOYER = "employer", "Employeur"


class Channel(models.TextChoices):
    WEB = "web", "Formulaire en ligne"
    FILE = "file", "Import de fichier"
    API = "api", "API"
    COMMAND = "command", "Commande d'exploitation"


class Modality(models.TextChoices):
    REMOTE = "A_DISTANCE", "À distance"
    ON_SITE = "PRESENTIEL", "En présentiel"
    BLENDED = "MIXTE", "Mixte"


class TrainerQualification(models.TextChoices):
    TEACHER = "ENSEIGNANT", "Enseignant"
    ADULT_TRAINER = (
        "FORMATEUR_D_ADULTES_FORMATION_SPECIALISEE",
        "Formateur d'adultes, formation spécialisée",
    )
    ENGINEER = "INGENIEUR", "Ingénieur"
    PREVENTION_OFFICER = "PREVENTEUR", "Préventeur"
    PSYCHOLOGIST = "PSYCHOLOGUE", "Psychologue"
    QHSE_MANAGER = "RESPONSABLE_QHSE", "Responsable QHSE"
    FORMER_PROFESSIONAL = "ANCIEN_PROFESSIONNEL", "Ancien professionnel du métier"


class JdrType(models.TextChoices):
    DIPLOMA = "DIPLOME", "Diplôme"
    TITLE = "TITRE", "Titre"
    HABILITATION = "HABILITATION", "Habilitation"
    CERTIFICATE = "CERTIFICAT", "Certificat"


class AwardMode(models.TextChoices):
    ADMISSION = "PAR_ADMISSION", "Par admission"
    SCORING = "PAR_SCORING", "Par score"


class LineStatus(models.TextChoices):
    ACTIVE = "active", "En vigueur"
    CANCELLED = "cancelled", "Annulée"


class ReviewStatus(models.TextChoices):
    """The employer's verification of a provider's declaration (décret 2025-748)."""

    NOT_APPLICABLE = "not_applicable", "Sans objet"
    PENDING = "pending", "À vérifier par l'employeur"
    CONFIRMED = "confirmed", "Confirmée par l'employeur"
    CORRECTION_REQUESTED = "correction_requested", "Correction demandée par l'employeur"
    DEEMED_VERIFIED = "deemed_verified", "Réputée vérifiée (sans réponse dans le délai)"


class ImportStatus(models.TextChoices):
    RECEIVED = "received", "Reçu"
    PROCESSING = "processing", "En cours de traitement"
    DONE = "done", "Traité"
    REJECTED = "rejected", "Rejeté"
