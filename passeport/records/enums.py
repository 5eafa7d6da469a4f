from django.db import models


class SourceKind(models.TextChoices):
    DSN = "dsn", "Déclaration sociale nominative de l'employeur"
    ACCROCHAGE = "accrochage", "Déclaration du certificateur"
    TRAINING_PROVIDER = "training_provider", "Déclaration de l'organisme de formation"
    EMPLOYER = "employer", "Déclaration de l'employeur"
    MON_COMPTE_FORMATION = "mon_compte_formation", "Mon Compte Formation"
    CEC = "cec", "Compte d'engagement citoyen"
    HOLDER = "holder", "Déclaré par le titulaire"


# Only what the holder declares is not guaranteed; everything else comes from an
# authoritative source and has probative value.
DECLARED_SOURCES = frozenset({SourceKind.HOLDER})


class Assurance(models.TextChoices):
    GUARANTEED = "guaranteed", "Garanti"
    DECLARED = "declared", "Déclaré"


class RecordStatus(models.TextChoices):
    ACTIVE = "active", "En vigueur"
    # Said of an entry or one of its versions (feminine in French).
    SUPERSEDED = "superseded", "Remplacée par une version plus récente"
    CANCELLED = "cancelled", "Annulée"
    EXPIRED = "expired", "Expirée"


class Publication(models.TextChoices):
    PRIVATE = "private", "Privé"
    PUBLISHED = "published", "Publié"


class CertificationKind(models.TextChoices):
    RNCP = "RNCP", "Répertoire national des certifications professionnelles"
    RS = "RS", "Répertoire spécifique"
    OTHER = "OTHER", "Autre diplôme ou certification"


class AwardMode(models.TextChoices):
    ADMISSION = "PAR_ADMISSION", "Par admission"
    SCORING = "PAR_SCORING", "Par score"


class PreventionDeclarationKind(models.TextChoices):
    ADF = "ADF", "Attestation de formation"
    JDR = "JDR", "Justificatif de réussite"


class EngagementKind(models.TextChoices):
    SERVICE_CIVIQUE = "service_civique", "Service civique"
    MILITARY_RESERVE = "military_reserve", "Réserve militaire opérationnelle"
    POLICE_RESERVE = "police_reserve", "Réserve civile de la police nationale"
    HEALTH_RESERVE = "health_reserve", "Réserve sanitaire"
    APPRENTICE_MASTER = "apprentice_master", "Maître d'apprentissage"
    VOLUNTEER_FIREFIGHTER = "volunteer_firefighter", "Sapeur-pompier volontaire"
    CIVIC_RESERVE = "civic_reserve", "Réserve civique"
    ASSOCIATION_LEADER = "association_leader", "Bénévole dirigeant d'association"
    VOLUNTEERING = "volunteering", "Bénévolat"


class DeclaredItemKind(models.TextChoices):
    EXPERIENCE = "experience", "Expérience"
    FOREIGN_DIPLOMA = "foreign_diploma", "Diplôme étranger"
    SKILL = "skill", "Compétence"
    LANGUAGE = "language", "Langue"
    DRIVING_LICENCE = "driving_licence", "Permis de conduire"
    PROFESSIONAL_CARD = "professional_card", "Carte professionnelle"
    OTHER = "other", "Autre"


class LanguageLevel(models.TextChoices):
    # Common European Framework of Reference for Languages.
    A1 = "A1", "A1 — Découverte"
    A2 = "A2", "A2 — Survie"
    B1 = "B1", "B1 — Seuil"
    B2 = "B2", "B2 — Indépendant"
    C1 = "C1", "C1 — Autonome"
    C2 = "C2", "C2 — Maîtrise"


# DSN S21.G00.40.007, the contract natures most seen.
CONTRACT_NATURES = {
    "01": "Contrat de travail à durée indéterminée de droit privé",
    "02": "Contrat de travail à durée déterminée de droit privé",
    "03": "Contrat de mission (contrat de travail temporaire)",
    "07": "Contrat de travail à durée indéterminée intermittent",
    "08": "Contrat de travail à durée indéterminée intérimaire",
    "09": "Contrat de travail à durée indéterminée de droit public",
    "10": "Contrat de travail à durée déterminée de droit public",
    "29": "Convention de stage",
    "32": "Contrat d'appui au projet d'entreprise",
    "50": "Nomination dans la fonction publique (par arrêté, par décision…)",
    "60": "Contrat d'engagement éducatif",
    "70": "Contrat de soutien et d'aide par le travail",
    "80": "Mandat social",
    "81": "Mandat d'élu",
    "82": "Contrat de travail à durée indéterminée de chantier ou d'opération",
    "89": "Volontariat de service civique",
    "90": "Autre nature de contrat, convention, mandat",
    "91": "Contrat d'engagement maritime à durée indéterminée",
    "92": "Contrat d'engagement maritime à durée déterminée",
    "93": "Ligne de service",
}
