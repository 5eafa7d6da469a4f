from django.db import models


class ConventionStatus(models.TextChoices):
    SUBMITTED = "submitted", "Soumise, en attente de décision"
    APPROVED = "approved", "Approuvée"
    REFUSED = "refused", "Refusée"
    ENDED = "ended", "Terminée"


class CreditKind(models.TextChoices):
    """The kinds of dotation (L.6323-4; décret 2021-1916 for the corrective 3,000 €)."""

    VOLUNTARY = "voluntary", "Abondement volontaire"
    COLLECTIVE_AGREEMENT = "collective_agreement", "Droits supplémentaires d'un accord collectif"
    CORRECTIVE = "corrective", "Abondement correctif de 3 000 € (entretiens professionnels)"
    APC_DISMISSAL = "apc_dismissal", "Abondement de 3 000 € après un licenciement (APC)"


# The kinds whose amount the law fixes (per holder, in cents).
FIXED_AMOUNT_KINDS = {CreditKind.CORRECTIVE: 300_000, CreditKind.APC_DISMISSAL: 300_000}


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", "En attente du virement"
    CREDITED = "credited", "Virement reçu, comptes crédités"
    CANCELLED = "cancelled", "Annulée"


class LineStatus(models.TextChoices):
    PENDING = "pending", "En attente du virement"
    CREDITED = "credited", "Créditée"
    RETURNED = "returned", "Non utilisée, rendue au financeur"


class RuleStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publiée"
    SUSPENDED = "suspended", "Suspendue"
    CLOSED = "closed", "Close"


class Modality(models.TextChoices):
    IN_PERSON = "in_person", "En présentiel"
    REMOTE = "remote", "À distance"
    MIXED = "mixed", "Mixte"


class CommitmentStatus(models.TextChoices):
    COMMITTED = "committed", "Engagé"
    RELEASED = "released", "Libéré (dossier annulé)"
    SETTLED = "settled", "Consommé (service fait)"


class Channel(models.TextChoices):
    WEB = "web", "Formulaire en ligne"
    FILE = "file", "Fichier"
    API = "api", "API"
    DEMO = "demo", "Données de démonstration"


class TargetDimension(models.TextChoices):
    """The lists a rule may restrict to, one indexed row per code (RuleTarget)."""

    CERTIFICATION = "certification", "Certification"
    ROME = "rome", "Métier (ROME)"
    FORMACODE = "formacode", "Formacode"
    PROVIDER = "provider", "Organisme de formation (SIRET)"
    DEPARTMENT = "department", "Département de résidence"
    REGION = "region", "Région de résidence"
    EMPLOYER = "employer", "Employeur (SIRET)"
