"""Share links: a chosen set of published entries, an expiry, an optional named
recipient, revocable; every opening is recorded (and journaled on the holder's person).

The link's token is never stored: it is an HMAC of the link's id under a server key
(`services.token_for`), so the holder can copy it again at any time while a copy of the
database alone gives no working link; lookups go through its SHA-256 (`token_hash`).
"""

import uuid

from django.db import models


class ShareLink(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    person = models.ForeignKey(
        "people.Person", verbose_name="titulaire", on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    recipient = models.CharField("destinataire", max_length=120, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    views_count = models.PositiveIntegerField("ouvertures", default=0)
    last_viewed_at = models.DateTimeField("dernière ouverture", null=True, blank=True)

    class Meta:
        verbose_name = "lien de partage"
        verbose_name_plural = "liens de partage"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "-created_at"], name="share_person_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="share_expires_after_creation",
                violation_error_message="L'expiration suit la création du lien.",
            )
        ]

    def __str__(self):
        return f"Lien {self.public_id}"

    def state_on(self, moment) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= moment:
            return "expired"
        return "active"


class ShareLinkItem(models.Model):
    link = models.ForeignKey(
        ShareLink, verbose_name="lien", on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField("type d'entrée", max_length=20)  # records.timeline.KINDS slug
    record_public_id = models.UUIDField("entrée")
    position = models.PositiveIntegerField("rang")

    class Meta:
        verbose_name = "entrée partagée"
        verbose_name_plural = "entrées partagées"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "record_public_id"],
                name="share_item_once",
                violation_error_message="Cette entrée figure déjà dans le lien.",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.record_public_id} (rang {self.position})"


class ShareLinkView(models.Model):
    """One opening of the recipient's page: when, and the browser family (not the full
    user agent nor the address: the holder needs to know who read, not to track them)."""

    link = models.ForeignKey(
        ShareLink, verbose_name="lien", on_delete=models.CASCADE, related_name="views"
    )
    at = models.DateTimeField("le", auto_now_add=True)
    browser = models.CharField("navigateur", max_length=40, blank=True)

    class Meta:
        verbose_name = "ouverture d'un lien"
        verbose_name_plural = "ouvertures des liens"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"Ouverture du {self.at:%d/%m/%Y %H:%M} ({self.browser})"
