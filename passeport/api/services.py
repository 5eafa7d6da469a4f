"""Creating and revoking API clients, issuing and checking tokens (RFC 6749, 4.4)."""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from passeport.core.housekeeping import due
from passeport.journal.actors import Actor
from passeport.journal.services import Event, log

from .models import ApiClient, ApiScope, ApiToken, secret_hash


@dataclass
class OAuthError(Exception):
    """An RFC 6749 error: `error` code, French description, HTTP status."""

    error: str
    description: str
    status: int = 400


def _log(action: str, user, client: ApiClient, **payload):
    log(
        Event(
            Actor.for_user(user),
            f"api.{action}",
            "api.ApiClient",
            str(client.public_id),
            payload={"siret": client.organisation.siret, "client_id": client.client_id, **payload},
        )
    )


@transaction.atomic
def create_client(
    organisation, *, name: str, scopes: list[str], created_by
) -> tuple[ApiClient, str]:
    """The new client and its secret, which is shown once and never stored."""
    unknown = set(scopes) - set(ApiScope.values)
    if unknown or not scopes:
        raise ValueError("Droits inconnus ou absents.")
    secret = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        organisation=organisation,
        name=name.strip(),
        client_id=f"pp_{secrets.token_urlsafe(16)}",
        secret_hash=secret_hash(secret),
        scopes=sorted(scopes),
        created_by=created_by,
    )
    _log("client_created", created_by, client, scopes=client.scopes)
    return client, secret


@transaction.atomic
def revoke_client(client: ApiClient, *, revoked_by) -> ApiClient:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        _log("client_revoked", revoked_by, client)
    return client


def issue_token(client_id: str, secret: str, scope: str | None) -> tuple[str, ApiToken]:
    client = ApiClient.objects.select_related("organisation").filter(client_id=client_id).first()
    # Same answer for an unknown client and a wrong secret: nothing to learn by probing.
    if client is None or not client.check_secret(secret or ""):
        raise OAuthError("invalid_client", "Identifiant ou secret du client incorrect.", 401)
    if not client.is_active:
        raise OAuthError("invalid_client", "Ce client a été révoqué par son organisation.", 401)
    requested = scope.split() if scope else list(client.scopes)
    if not set(requested) <= set(client.scopes):
        raise OAuthError(
            "invalid_scope",
            "Droits demandés non accordés à ce client : "
            + ", ".join(sorted(set(requested) - set(client.scopes))),
        )
    if due("api.purge_expired_tokens"):
        purge_expired_tokens()
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        token_hash=secret_hash(raw),
        client=client,
        scopes=sorted(requested),
        expires_at=now + datetime.timedelta(seconds=settings.API_TOKEN_LIFETIME),
    )
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return raw, token


def authenticate_token(raw: str) -> ApiToken | None:
    return (
        ApiToken.objects.valid()
        .select_related("client__organisation")
        .filter(token_hash=secret_hash(raw))
        .first()
    )


def purge_expired_tokens() -> int:
    """Deletes expired tokens (run by the `purge_expired` command, and at most once per
    PURGE_EXPIRED_INTERVAL by issue_token)."""
    return ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()[0]
