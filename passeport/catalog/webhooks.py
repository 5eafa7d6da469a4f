"""Webhooks: each transition of a provider's file is announced to its software, signed
with HMAC-SHA256 (header `X-Passeport-Signature: sha256=<hex of HMAC(secret, body)>`),
delivered by a Huey task after commit, retried with backoff (tasks.deliver_webhook);
each event carries its `event_id` so that a receiver can ignore a repeat."""

import hashlib
import hmac
import json
import secrets

import requests
from django.db import transaction
from django.utils import timezone

from .models import Webhook, WebhookDelivery

TIMEOUT = 10


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def register(organisation, url: str) -> Webhook:
    """Sets the provider's webhook (a new secret each time)."""
    webhook, _ = Webhook.objects.update_or_create(
        organisation=organisation, defaults={"url": url, "secret": secrets.token_hex(32)}
    )
    return webhook


def _invoice(invoice) -> dict:
    return {
        "number": invoice.number,
        "amount_cents": invoice.amount_cents,
        "issued_at": invoice.issued_at.isoformat(),
        "due_on": invoice.due_on.isoformat(),
        "paid_on": invoice.paid_on.isoformat() if invoice.paid_on else None,
        "payment_reference": invoice.payment_reference,
    }


def payload(file, from_state: str, invoice=None) -> dict:
    """A change of state, or of billing (`training_file.billing_changed`, with the
    invoice): the file's state and billing state are in both."""
    body = {
        "type": "training_file.billing_changed" if invoice else "training_file.state_changed",
        "file": {
            "id": str(file.public_id),
            "reference": file.reference,
            "state": file.state,
            "state_label": file.get_state_display(),
            "reason": file.reason_code,
            "act_before": file.act_before.isoformat() if file.act_before else None,
            "billing": file.billing,
        },
        "from_state": from_state,
        "at": timezone.now().isoformat(),
    }
    if invoice is not None:
        body["invoice"] = _invoice(invoice)
    return body


def announce(file, from_state: str, *, invoice=None) -> None:
    webhook = Webhook.objects.filter(organisation_id=file.provider_id).first()
    if webhook is None:
        return
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, payload=payload(file, from_state, invoice)
    )
    from .tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook(delivery.pk), robust=True)


def deliver(delivery_id: int) -> bool:
    """One attempt; True when delivered (or already), raises on failure (to be retried)."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.delivered_at:
        return True
    body = json.dumps(
        {"event_id": str(delivery.event_id), **delivery.payload}, sort_keys=True
    ).encode()
    delivery.attempts += 1
    try:
        response = requests.post(
            delivery.webhook.url,
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Passeport-Signature": signature(delivery.webhook.secret, body),
            },
            timeout=TIMEOUT,
        )
        if response.status_code >= 300:
            raise RuntimeError(f"réponse HTTP {response.status_code}")
    except (requests.RequestException, RuntimeError) as error:
        delivery.last_error = str(error)[:255]
        delivery.save(update_fields=["attempts", "last_error"])
        raise
    delivery.delivered_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["attempts", "delivered_at", "last_error"])
    return True
