from django.db import models


class Modality(models.TextChoices):
    IN_PERSON = "in_person", "En présentiel"
    REMOTE = "remote", "À distance"
    MIXED = "mixed", "Mixte (présentiel et à distance)"


class EnrolmentStatus(models.TextChoices):
    OPEN = "open", "Inscriptions ouvertes"
    CLOSED = "closed", "Inscriptions fermées"
    SUSPENDED = "suspended", "Inscriptions suspendues"


class CodeKind(models.TextChoices):
    FORMACODE = "formacode", "Formacode"
    NSF = "nsf", "NSF"
    ROME = "rome", "ROME"


class FileState(models.TextChoices):
    """EDOF's states (docs/domain.md « Purchase and training files »), French labels."""

    NOT_PROCESSED = "not_processed", "Non traité"
    VALIDATED = "validated", "Validé"
    ACCEPTED = "accepted", "Accepté"
    IN_TRAINING = "in_training", "En formation"
    TERMINATED = "terminated", "Sortie de formation"
    SERVICE_DONE_DECLARED = "service_done_declared", "Service fait déclaré"
    SERVICE_DONE_VALIDATED = "service_done_validated", "Service fait validé"
    CANCELED_BY_HOLDER = "canceled_by_holder", "Annulé par le titulaire"
    CANCELED_BY_HOLDER_NOT_REALIZED = (
        "canceled_by_holder_not_realized",
        "Annulé par le titulaire (non réalisé)",
    )
    CANCELED_BY_PROVIDER = "canceled_by_provider", "Annulé par l'organisme"
    CANCELED_BY_FUNDER = "canceled_by_funder", "Annulé par le financeur"
    CANCELED_WITHOUT_FOLLOW_UP = "canceled_without_follow_up", "Annulé sans suite"
    REFUSED_BY_HOLDER = "refused_by_holder", "Refusé par le titulaire"
    REFUSED_BY_PROVIDER = "refused_by_provider", "Refusé par l'organisme"
    REFUSED_BY_FUNDER = "refused_by_funder", "Refusé par le financeur"


OPEN_STATES = (
    FileState.NOT_PROCESSED,
    FileState.VALIDATED,
    FileState.ACCEPTED,
    FileState.IN_TRAINING,
    FileState.TERMINATED,
    FileState.SERVICE_DONE_DECLARED,
)
# States where rights are reserved (not yet debited).
RESERVED_STATES = (FileState.ACCEPTED,)


class BillingState(models.TextChoices):
    NONE = "", "—"
    TO_BILL = "to_bill", "À facturer"
    BILLED = "billed", "Facturé"
    PAID = "paid", "Payé"


class ReasonCode(models.TextChoices):
    """Why a file was refused or cancelled (who gives it: see `files.REASONS_BY_STATE`)."""

    # by the holder
    HOLDER_PERSONAL = "holder_personal", "Raisons personnelles"
    HOLDER_PROPOSAL = "holder_proposal", "La proposition ne convient pas (prix, dates, durée)"
    HOLDER_OTHER_FUNDING = "holder_other_funding", "Autre financement trouvé"
    HOLDER_NO_SHOW = "holder_no_show", "Le titulaire ne s'est pas présenté"
    # by the provider
    PROVIDER_FULL = "provider_full", "Session complète"
    PROVIDER_PREREQUISITES = "provider_prerequisites", "Prérequis non remplis"
    PROVIDER_SESSION_CANCELLED = "provider_session_cancelled", "Session annulée par l'organisme"
    PROVIDER_NOT_REACHABLE = "provider_not_reachable", "Titulaire injoignable"
    PROVIDER_OTHER = "provider_other", "Autre motif de l'organisme"
    # by the funder (operator)
    FUNDER_CONTROL = "funder_control", "Contrôle du financeur"
    FUNDER_FRAUD = "funder_fraud", "Suspicion de fraude"
    # without follow-up (deadline jobs)
    NO_ANSWER = "no_answer", "L'organisme n'a pas répondu dans le délai"
    NOT_ACCEPTED = "not_accepted", "Proposition non acceptée dans le délai"
    # exits and completions
    EXIT_COMPLETED = "exit_completed", "Formation suivie jusqu'au bout"
    EXIT_ABANDONED = "exit_abandoned", "Abandon en cours de formation"
    EXIT_FORCE_MAJEURE = "exit_force_majeure", "Cas de force majeure"


class PaymentState(models.TextChoices):
    PENDING = "pending", "En attente"
    PAID = "paid", "Payé"
    REFUSED = "refused", "Refusé"
    EXPIRED = "expired", "Expiré (délai dépassé)"
    REFUNDED = "refunded", "Remboursé (dossier non accepté)"
