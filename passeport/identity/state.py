"""OIDC `state` and `nonce`, server-side: signed, single use, expiring, bound to the
browser session that started the login."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from passeport.core.housekeeping import due

from .models import OidcState
from .oidc.errors import ExpiredState, InvalidState, ReplayedState

SIGNER_SALT = "passeport.identity.oidc-state"
SESSION_KEY = "identity_oidc_states"  # hashes of the states this browser started


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


def start(session, provider: str, next_url: str = "") -> tuple[str, OidcState]:
    """A new login attempt: (state to send to the provider, its server-side record)."""
    if due("identity.purge_expired_states"):
        purge_expired()
    raw = secrets.token_urlsafe(32)
    record = OidcState.objects.create(
        state_hash=_hash(raw),
        provider=provider,
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),  # 86 characters, within PKCE's 43–128
        next_url=next_url,
    )
    session[SESSION_KEY] = [*session.get(SESSION_KEY, [])[-4:], record.state_hash]
    return signing.Signer(salt=SIGNER_SALT).sign(raw), record


def consume(session, provider: str, state: str) -> OidcState:
    """The login attempt this `state` stands for, marked used; or an InvalidState."""
    try:
        raw = signing.Signer(salt=SIGNER_SALT).unsign(state or "")
    except signing.BadSignature as error:
        raise InvalidState("state signature") from error
    state_hash = _hash(raw)
    with transaction.atomic():
        record = OidcState.objects.select_for_update().filter(state_hash=state_hash).first()
        if record is None or record.provider != provider:
            raise InvalidState("state unknown or for another provider")
        if record.used_at is not None:
            raise ReplayedState("state already used")
        record.used_at = timezone.now()
        record.save(update_fields=["used_at"])
    if record.is_expired():
        raise ExpiredState("state older than OIDC_STATE_MAX_AGE")
    if state_hash not in session.get(SESSION_KEY, []):
        raise InvalidState("state started in another browser session")
    session[SESSION_KEY] = [h for h in session.get(SESSION_KEY, []) if h != state_hash]
    return record


def purge_expired() -> int:
    """Deletes attempts older than twice the allowed age (used or not): run by the
    `purge_expired` command and, at most once per PURGE_EXPIRED_INTERVAL, by start()."""
    limit = timezone.now() - timedelta(seconds=2 * settings.OIDC_STATE_MAX_AGE)
    return OidcState.objects.filter(created_at__lt=limit).delete()[0]
