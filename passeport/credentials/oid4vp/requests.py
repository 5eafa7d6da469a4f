"""Asking a wallet for a presentation (OpenID4VP 1.0, cross-device, by reference).

The QR code carries `openid4vp://?client_id=x509_san_dns:<host>&request_uri=…`; the
wallet fetches the request object at `request_uri`: a JWT (`typ: oauth-authz-req+jwt`)
signed by the verifier's key, its certificate in `x5c`, holding `response_type=vp_token`,
`response_mode=direct_post`, the `response_uri` the wallet posts its answer to, a nonce
(the key-binding JWT must sign it), a state (echoed in the answer) and a DCQL query: one
SD-JWT VC of the asked type (`vct_values`) with the asked claims; the claims every
request needs (the holder's names and the entry's title) are required, the others are
offered as a second, preferred claim set, so a credential that lacks one still answers.
"""

from __future__ import annotations

import datetime
import json
import secrets
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS

from .. import claims, keys
from ..models import (
    KeyAlgorithm,
    PresentationRequest,
    PresentationRequester,
    PresentationStatus,
)
from . import identity

REQUEST_TYP = "oauth-authz-req+jwt"
CREDENTIAL_QUERY_ID = "passeport"
SCHEME = "openid4vp://"
ALGORITHMS = [KeyAlgorithm.ES256, KeyAlgorithm.EDDSA]
# What identifies the entry, per kind: always asked, with the holder's names.
TITLE_CLAIM = {
    "emploi": "job_title",
    "diplome": "achievement_title",
    "formation": "achievement_title",
    "prevention": "achievement_title",
}
HOLDER_CLAIMS = ("given_name", "family_name")


class PresentationRequestError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.CREDENTIALS_PRESENTATION_LIFETIME)


def retention() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.CREDENTIALS_PRESENTATION_RETENTION)


def required_claims(kind_slug: str) -> tuple[str, ...]:
    return (*HOLDER_CLAIMS, TITLE_CLAIM[kind_slug])


def optional_claims(kind_slug: str) -> list[tuple[str, str]]:
    """(claim, French label) a requester may add for this kind."""
    required = required_claims(kind_slug)
    labels = claims.claim_labels(claims.KINDS[kind_slug])
    return [(name, label) for name, label in labels.items() if name not in required]


def create(
    kind_slug: str,
    extra_claims=(),
    *,
    requester: str = PresentationRequester.VERIFIER,
    share_link=None,
    title: str = "",
) -> PresentationRequest:
    """A new request for one credential of `kind_slug` with the required claims and
    `extra_claims`; `title` (share links) pins the entry's title in the query."""
    if kind_slug not in claims.KINDS:
        raise PresentationRequestError("Type d'attestation inconnu.")
    allowed = {name for name, _ in optional_claims(kind_slug)}
    unknown = [name for name in extra_claims if name not in allowed]
    if unknown:
        raise PresentationRequestError(
            f"Information inconnue pour ce type d'attestation : {', '.join(unknown)}."
        )
    required = list(required_claims(kind_slug))
    extra = [name for name, _ in optional_claims(kind_slug) if name in set(extra_claims)]
    return PresentationRequest.objects.create(
        requester=requester,
        share_link=share_link,
        credential_kind=kind_slug,
        claims=[*required, *extra],
        required_count=len(required),
        nonce=secrets.token_urlsafe(32),
        oauth_state=secrets.token_urlsafe(32),
        expires_at=timezone.now() + lifetime(),
        entry_title=title[:255],
    )


def request_uri(request: PresentationRequest) -> str:
    return keys.issuer_url() + reverse("credentials:oid4vp_request", args=[request.public_id])


def response_uri(request: PresentationRequest) -> str:
    return keys.issuer_url() + reverse("credentials:oid4vp_response", args=[request.public_id])


def authorization_link(request: PresentationRequest) -> str:
    """What the QR code carries: the client identifier and where to fetch the request."""
    query = urlencode(
        {"client_id": identity.current().client_id, "request_uri": request_uri(request)}
    )
    return f"{SCHEME}?{query}"


def qr_data_uri(link: str) -> str:
    # A data: URI image: allowed by the CSP (img-src data:), no inline markup.
    return segno.make(link, error="m").svg_data_uri(scale=4, dark="#000091", border=2)


def dcql_query(request: PresentationRequest) -> dict:
    kind = claims.KINDS[request.credential_kind]
    query_claims = []
    for name in request.claims:
        claim = {"id": name, "path": [name]}
        if request.entry_title and name == TITLE_CLAIM[request.credential_kind]:
            claim["values"] = [request.entry_title]
        query_claims.append(claim)
    credential = {
        "id": CREDENTIAL_QUERY_ID,
        "format": "dc+sd-jwt",
        "meta": {"vct_values": [kind.vct]},
        "claims": query_claims,
        "require_cryptographic_holder_binding": True,
    }
    required = request.claims[: request.required_count]
    if len(request.claims) > len(required):
        # Preferred: everything asked; else the required claims alone.
        credential["claim_sets"] = [list(request.claims), required]
    return {"credentials": [credential]}


def client_metadata() -> dict:
    return {
        "client_name": getattr(settings, "CREDENTIALS_ISSUER_NAME", "Passeport de compétences"),
        "vp_formats_supported": {
            "dc+sd-jwt": {"sd-jwt_alg_values": ALGORITHMS, "kb-jwt_alg_values": ALGORITHMS}
        },
    }


def state_of(request: PresentationRequest, now=None) -> str:
    """pending, verified, refused, declined, or expired (a pending request past its
    expiry, an answer past its retention)."""
    now = now or timezone.now()
    if request.status == PresentationStatus.PENDING:
        return "expired" if request.expires_at <= now else "pending"
    if request.answered_at and request.answered_at + retention() <= now:
        return "expired"
    return request.status


@transaction.atomic
def request_object(public_id) -> str | None:
    """The signed request object of a pending request (None: unknown, expired or
    answered); the first fetch is remembered."""
    request = PresentationRequest.objects.select_for_update().filter(public_id=public_id).first()
    now = timezone.now()
    if request is None or state_of(request, now) != "pending":
        return None
    if request.fetched_at is None:
        request.fetched_at = now
        request.save(update_fields=["fetched_at"])
    verifier = identity.current()
    payload = {
        "iss": verifier.client_id,
        "aud": "https://self-issued.me/v2",
        "iat": int(now.timestamp()),
        "exp": int(request.expires_at.timestamp()),
        "client_id": verifier.client_id,
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": response_uri(request),
        "nonce": request.nonce,
        "state": request.oauth_state,
        "dcql_query": dcql_query(request),
        "client_metadata": client_metadata(),
    }
    token = JWS(json.dumps(payload, ensure_ascii=False).encode())
    header = {"alg": KeyAlgorithm.ES256, "typ": REQUEST_TYP, "x5c": verifier.x5c}
    token.add_signature(JWK.from_pyca(verifier.key), alg="ES256", protected=json.dumps(header))
    return token.serialize(compact=True)


def purge(now=None) -> int:
    """Deletes requests past their expiry (unanswered) or their retention (answered);
    idempotent. Returns how many."""
    now = now or timezone.now()
    expired = PresentationRequest.objects.filter(
        status=PresentationStatus.PENDING, expires_at__lte=now
    ) | PresentationRequest.objects.filter(answered_at__lte=now - retention())
    return expired.delete()[0]
