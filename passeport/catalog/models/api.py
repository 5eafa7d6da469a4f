"""What the providers' API keeps: idempotency keys, webhooks and their deliveries."""

import uuid

from django.db import models


class IdempotencyKey(models.Model):
    """The answer to a request carrying `Idempotency-Key`: the same key and body get the
    same answer; another body, a 409."""

    client = models.ForeignKey("api.ApiClient", on_delete=models.CASCADE, related_name="+")
    key = models.CharField("clé", max_length=255)
    request_digest = models.CharField("empreinte de la requête", max_length=64)
    status_code = models.PositiveSmallIntegerField("code de réponse")
    response = models.JSONField("réponse")
    created_at = models.DateTimeField("reçue le", auto_now_add=True)

    class Meta:
        verbose_name = "clé d'idempotence (dossiers)"
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="catalog_idempotency_key")
        ]

    def __str__(self):
        return self.key


class Webhook(models.Model):
    """Where a provider's software hears of each transition of its files (HMAC-signed)."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="catalog_webhook"
    )
    url = models.URLField("adresse", max_length=500)
    secret = models.CharField("secret de signature", max_length=64)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "webhook des dossiers"

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField("identifiant de l'événement", default=uuid.uuid4, unique=True)
    payload = models.JSONField("contenu")
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    delivered_at = models.DateTimeField("remis le", null=True, blank=True)
    last_error = models.CharField("dernière erreur", max_length=255, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "envoi de webhook"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return str(self.event_id)
