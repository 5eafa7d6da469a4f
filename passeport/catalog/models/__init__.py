from .api import IdempotencyKey, Webhook, WebhookDelivery
from .billing import Invoice
from .files import FileNotice, FileTransition, TrainingFile
from .offers import Action, CertifierAuthorisation, Session, Training, TrainingCode
from .payments import Payment

__all__ = [
    "Action",
    "CertifierAuthorisation",
    "FileNotice",
    "FileTransition",
    "IdempotencyKey",
    "Invoice",
    "Payment",
    "Session",
    "Training",
    "TrainingCode",
    "TrainingFile",
    "Webhook",
    "WebhookDelivery",
]
