"""OAuth2 client credentials for organisations' software (training providers' and
employers' tools, certifiers' systems).

Secrets and tokens are 256-bit random values: a plain SHA-256 is enough to store them
(no dictionary to brute-force), and lets a token be found by its hash in one query.
"""

import hashlib
import hmac
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiScope(models.TextChoices):
    PREVENTION_DECLARE = "prevention:declare", "Déclarer des formations en santé et sécurité"
    CERTIFICATIONS_DECLARE = "certifications:declare", "Déclarer des certifications (accrochage)"
    EMPLOYEES_READ = "employees:read", "Consulter les passeports de prévention des salariés"
    CEC_DECLARE = "cec:declare", "Déclarer des activités du compte d'engagement citoyen"
    CPF_DECLARE = "cpf:declare", "Déclarer les années de service des agents publics (CPF)"
    FUNDING_WRITE = "funding:write", "Abonder des comptes CPF, publier des règles (financeurs)"
    CATALOG_WRITE = "catalog:write", "Publier l'offre de formation CPF (catalogue)"
    TRAINING_FILES = "training_files:manage", "Traiter les dossiers de formation CPF (EDOF)"


def secret_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class ApiClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiClient(models.Model):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="api_clients"
    )
    name = models.CharField("nom du logiciel", max_length=100)
    client_id = models.CharField("client_id", max_length=64, unique=True)
    secret_hash = models.CharField("empreinte du secret", max_length=64)
    scopes = models.JSONField("droits", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = "client d'API"
        verbose_name_plural = "clients d'API"
        ordering = ["organisation", "name"]

    def __str__(self):
        return f"{self.name} ({self.organisation.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def check_secret(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, secret_hash(secret))

    def scope_labels(self) -> list[str]:
        labels = dict(ApiScope.choices)
        return [labels.get(scope, scope) for scope in self.scopes]


class ApiTokenQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(expires_at__gt=timezone.now(), client__revoked_at__isnull=True)


class ApiToken(models.Model):
    """An opaque, short-lived access token, found by its hash: revoking the client
    invalidates its tokens at once."""

    token_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'accès"

    def __str__(self):
        return f"jeton de {self.client.client_id} (expire le {self.expires_at:%d/%m/%Y %H:%M})"
