from django.db import models


class Part(models.TextChoices):
    """The parts of an account, each with its own balance (and ceiling where the law sets
    one). Euros are integer cents; hours are integer hundredths of an hour."""

    RIGHTS = "rights", "Droits acquis (euros)"
    CEC = "cec", "Compte d'engagement citoyen (euros)"
    FUNDER = "funder", "Abondements des financeurs (euros)"
    HOURS = "hours", "Droits d'agent public (heures)"


EURO_PARTS = (Part.RIGHTS, Part.CEC, Part.FUNDER)


class MovementKind(models.TextChoices):
    ACQUISITION = "acquisition", "Droits acquis au titre d'une année"
    ADJUSTMENT = "adjustment", "Régularisation d'une année"
    CEC_CREDIT = "cec_credit", "Compte d'engagement citoyen"
    AGENT_CREDIT = "agent_credit", "Heures acquises comme agent public"
    CONVERSION_OUT = "conversion_out", "Conversion (droits convertis)"
    CONVERSION_IN = "conversion_in", "Conversion (droits obtenus)"
    FUNDER_CREDIT = "funder_credit", "Abondement d'un financeur"
    FUNDER_RETURN = "funder_return", "Abondement non utilisé rendu au financeur"
    RESERVATION = "reservation", "Réservation pour un dossier de formation"
    DEBIT = "debit", "Débit à l'entrée en formation"
    RELEASE = "release", "Libération d'une réservation"
    RECREDIT = "recredit", "Droits recrédités (formation réalisée en partie)"


class MovementSource(models.TextChoices):
    DSN = "dsn", "Déclarations sociales nominatives (DSN) des employeurs"
    CEC = "cec", "Organisme validant une activité citoyenne"
    PUBLIC_EMPLOYER = "public_employer", "Employeur public"
    HOLDER = "holder", "Demande du titulaire"
    FUNDER = "funder", "Financeur"
    TRAINING_FILE = "training_file", "Dossier de formation"


class CecActivity(models.TextChoices):
    """The activities of the Compte d'engagement citoyen (L.5151-9) and their file codes."""

    SERVICE_CIVIQUE = "service_civique", "Service civique"
    MILITARY_RESERVE = "military_reserve", "Réserve militaire opérationnelle"
    POLICE_RESERVE = "police_reserve", "Réserve civile de la police nationale"
    HEALTH_RESERVE = "health_reserve", "Réserve sanitaire"
    APPRENTICE_MASTER = "apprentice_master", "Maître d'apprentissage"
    VOLUNTEER_FIREFIGHTER = "volunteer_firefighter", "Sapeur-pompier volontaire"
    CIVIC_RESERVE = "civic_reserve", "Réserve civique"
    ASSOCIATION_LEADER = (
        "association_leader",
        ("Bénévole dirigeant d'association ou encadrant d'autres bénévoles"),
    )


class CecStatus(models.TextChoices):
    PENDING = "pending", "En attente de confirmation par l'association"
    CONFIRMED = "confirmed", "Confirmée, seuil annuel pas encore atteint"
    VALIDATED = "validated", "Validée"
    REFUSED = "refused", "Refusée"
    EXPIRED = "expired", "Non confirmée dans le délai"
    INSUFFICIENT = "insufficient", "Seuil annuel non atteint"


class Channel(models.TextChoices):
    WEB = "web", "Formulaire en ligne"
    FILE = "file", "Fichier"
    API = "api", "API"
    HOLDER = "holder", "Déclaration du bénévole"
    DEMO = "demo", "Données de démonstration"
