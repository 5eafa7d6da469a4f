"""The card part of a purchase, through a payment adapter behaving like a hosted payment
page: the holder is redirected to the provider's page, comes back with a signed result,
and the provider also notifies us server to server. Both paths end in `complete`, which
is idempotent (a payment completes once; the file is accepted once).

The adapter is `CATALOG_PAYMENT_ADAPTER` (dotted path); in development and tests the
development payment page (`devpay`, mounted only when `DEV_PAYMENT_ENABLED`) is used when
none is set. Production without an adapter cannot take card payments: a file with a
rest to pay cannot be accepted there (stated to the holder)."""

import datetime
import hashlib
import hmac
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from passeport.journal.actors import Actor, ActorKind

from . import files
from .enums import FileState, PaymentState
from .models import Payment, TrainingFile

TIMEOUT_MINUTES = 30


class PaymentError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _secret() -> bytes:
    configured = getattr(settings, "CATALOG_PAYMENT_SECRET", "")
    if configured:
        return configured.encode()
    return hashlib.sha256(f"catalog-payment:{settings.SECRET_KEY}".encode()).digest()


def sign(fields: dict) -> str:
    message = "&".join(f"{key}={fields[key]}" for key in sorted(fields))
    return hmac.new(_secret(), message.encode(), hashlib.sha256).hexdigest()


def verify(fields: dict, signature: str) -> bool:
    return hmac.compare_digest(sign(fields), signature or "")


class DevPaymentAdapter:
    """The development payment page (catalog/devpay), same server."""

    label = "Page de paiement de développement"

    def redirect_url(self, payment: Payment, return_url: str) -> str:
        fields = {
            "payment": str(payment.public_id),
            "amount": str(payment.amount_cents),
            "return": return_url,
        }
        return f"{reverse('devpay:page')}?{urlencode({**fields, 'sig': sign(fields)})}"


def adapter():
    path = getattr(settings, "CATALOG_PAYMENT_ADAPTER", "")
    if path:
        return import_string(path)()
    if getattr(settings, "DEV_PAYMENT_ENABLED", False):
        return DevPaymentAdapter()
    return None


@transaction.atomic
def start(file: TrainingFile, amount_cents: int) -> Payment:
    """A new payment for the file's holder part (an earlier pending one expires)."""
    if file.state != FileState.VALIDATED:
        raise PaymentError("Ce dossier n'attend pas de paiement.")
    Payment.objects.filter(file=file, state=PaymentState.PENDING).update(
        state=PaymentState.EXPIRED, completed_at=timezone.now(), message="Remplacé"
    )
    return Payment.objects.create(file=file, amount_cents=amount_cents)


def _holder_actor(file) -> Actor:
    return Actor(ActorKind.HOLDER, str(file.person.public_id), "Titulaire (paiement confirmé)")


def complete(public_id: str, status: str, psp_reference: str = "") -> Payment:
    """The provider's verdict on a payment ("paid" or "refused"); idempotent."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("file__person")
            .filter(public_id=public_id)
            .first()
        )
        if payment is None:
            raise PaymentError("Paiement inconnu.")
        if payment.state == PaymentState.EXPIRED and status == "paid":
            # Paid after it expired (or was replaced): the money goes back to the holder.
            payment.state = PaymentState.REFUNDED
            payment.message = "Paiement reçu après expiration : remboursé."
            payment.psp_reference = psp_reference[:100]
            payment.save()
            return payment
        if payment.state != PaymentState.PENDING:
            return payment
        payment.psp_reference = psp_reference[:100]
        payment.completed_at = timezone.now()
        if status != "paid":
            payment.state = PaymentState.REFUSED
            payment.message = "Paiement refusé par la banque."
            payment.save()
            return payment
        payment.state = PaymentState.PAID
        payment.save()
    # Accepting locks the file and the account: in its own transaction, after the payment
    # is recorded as paid (a failure refunds, it never loses the payment).
    try:
        files.accept(
            payment.file,
            actor=_holder_actor(payment.file),
            today=timezone.localdate(),
            paid_cents=payment.amount_cents,
        )
    except files.FileError as error:
        Payment.objects.filter(pk=payment.pk).update(
            state=PaymentState.REFUNDED, message=error.message[:255]
        )
        payment.refresh_from_db()
    return payment


def handle_result(fields: dict, signature: str) -> Payment:
    """A signed result (the browser's return or the server-to-server notification)."""
    expected = {key: fields.get(key, "") for key in ("payment", "status", "reference")}
    if not verify(expected, signature):
        raise PaymentError("Signature du paiement invalide.")
    return complete(expected["payment"], expected["status"], expected["reference"])


def expire_pending(now=None, minutes: int = TIMEOUT_MINUTES) -> int:
    """Payments left pending (the holder left the payment page) expire."""
    limit = (now or timezone.now()) - datetime.timedelta(minutes=minutes)
    return Payment.objects.filter(state=PaymentState.PENDING, created_at__lt=limit).update(
        state=PaymentState.EXPIRED, completed_at=now or timezone.now(), message="Délai dépassé"
    )
