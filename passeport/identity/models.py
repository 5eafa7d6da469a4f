"""Identity federation: login attempts in flight, links from provider accounts to users,
and invitations of professionals to organisations."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from passeport.organisations.enums import MembershipRole
from passeport.users.enums import IdentityProvider


class OidcState(models.Model):
    """One login attempt in flight: the `state` sent to the provider is a signed random
    value of which only the SHA-256 is kept; single use, expiring after
    settings.OIDC_STATE_MAX_AGE. Deliberately not on a business model."""

    state_hash = models.CharField("empreinte du state", max_length=64, unique=True)
    provider = models.CharField("fournisseur", max_length=30, choices=IdentityProvider.choices)
    nonce = models.CharField("nonce", max_length=100)
    code_verifier = models.CharField("code_verifier PKCE", max_length=128)
    next_url = models.CharField("page demandée", max_length=500, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now, db_index=True)
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        verbose_name = "connexion en cours"
        verbose_name_plural = "connexions en cours"

    def __str__(self):
        return f"{self.provider} {self.created_at:%Y-%m-%d %H:%M}"

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return now - self.created_at > datetime.timedelta(seconds=settings.OIDC_STATE_MAX_AGE)


class IdentityLink(models.Model):
    """A provider account (`sub`, stable per provider and relying party) bound to a user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_links"
    )
    provider = models.CharField("fournisseur", max_length=30, choices=IdentityProvider.choices)
    sub = models.CharField("identifiant chez le fournisseur (sub)", max_length=255)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    last_login_at = models.DateTimeField("dernière connexion", null=True, blank=True)

    class Meta:
        verbose_name = "lien d'identité"
        verbose_name_plural = "liens d'identité"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "sub"],
                name="unique_identity_link",
                violation_error_message="Ce compte du fournisseur est déjà rattaché.",
            )
        ]

    def __str__(self):
        return f"{self.get_provider_display()} → {self.user}"


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An organisation administrator invites a colleague by e-mail; the invitation is
    accepted at the colleague's first ProConnect login with that e-mail."""

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("adresse électronique")
    role = models.CharField(
        "rôle", max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    revoked_at = models.DateTimeField("retirée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="unique_pending_invitation",
                violation_error_message="Une invitation est déjà en attente pour cette adresse.",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"
