"""OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow.

1. The holder, logged in, asks for an offer for one record (`create_offer`): a
   single-use pre-authorized code (and, by default, a 6-digit transaction code shown
   apart), stored hashed, valid a few minutes; the offer travels by reference (a
   `credential_offer_uri` the wallet reads, `offer_by_reference`) or by value in the
   `openid-credential-offer://` link and its QR code.
2. The wallet exchanges the code at the token endpoint (`exchange_code`) for a
   single-use access token, stored hashed.
3. It gets a c_nonce at the nonce endpoint (`new_nonce`), signs it in an
   `openid4vci-proof+jwt` with its key, and calls the credential endpoint
   (`issue_credential`): it receives the record's SD-JWT VC bound to that key (`cnf`).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import secrets
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from jwcrypto.common import JWException
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS

from passeport.journal.actors import Actor, ActorKind

from . import claims, keys, services
from .models import CredentialOffer, IssuanceChannel, KeyAlgorithm, ProofNonce

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP = "openid4vci-proof+jwt"
PROOF_ALGORITHMS = (KeyAlgorithm.ES256, KeyAlgorithm.EDDSA)
MAX_TX_CODE_FAILURES = 5


def offer_lifetime() -> int:
    return int(getattr(settings, "CREDENTIALS_OFFER_LIFETIME", 600))


def token_lifetime() -> int:
    return int(getattr(settings, "CREDENTIALS_TOKEN_LIFETIME", 300))


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class OAuthError(Exception):
    """An error answer of the token or credential endpoint (RFC 6749 / OID4VCI §8.3.1)."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def as_dict(self) -> dict:
        return {"error": self.error, "error_description": self.description}


def endpoint(name: str) -> str:
    return keys.issuer_url() + reverse(f"credentials:{name}")


# --- Metadata --------------------------------------------------------------------------


def issuer_metadata() -> dict:
    """OpenID4VCI 1.0 metadata. Display names and claim labels are under
    `credential_metadata` (1.0, the reference) and again at the configuration's top level
    (`display`, `claims`), where wallets written for draft 15 read them."""
    configurations = {}
    for kind in claims.KINDS.values():
        display = [{"name": kind.name, "locale": "fr-FR", "description": kind.description}]
        claim_display = [
            {"path": [name], "display": [{"name": label, "locale": "fr-FR"}]}
            for name, label in claims.claim_labels(kind).items()
        ]
        configurations[kind.configuration_id] = {
            "format": "dc+sd-jwt",
            "vct": kind.vct,
            "scope": kind.configuration_id,
            "cryptographic_binding_methods_supported": ["jwk"],
            "credential_signing_alg_values_supported": [services.sd_jwt_algorithm()],
            "proof_types_supported": {
                "jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}
            },
            "credential_metadata": {"display": display, "claims": claim_display},
            # Draft 15's places for the same (a copy, not another truth).
            "display": display,
            "claims": claim_display,
        }
    return {
        "credential_issuer": keys.issuer_url(),
        "credential_endpoint": endpoint("oid4vci_credential"),
        "nonce_endpoint": endpoint("oid4vci_nonce"),
        "display": [
            {
                "name": getattr(settings, "CREDENTIALS_ISSUER_NAME", "Passeport de compétences"),
                "locale": "fr-FR",
            }
        ],
        "credential_configurations_supported": configurations,
    }


def authorization_server_metadata() -> dict:
    """The issuer is its own authorization server (pre-authorized code only)."""
    return {
        "issuer": keys.issuer_url(),
        "token_endpoint": endpoint("oid4vci_token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "pre-authorized_grant_anonymous_access_supported": True,
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
    }


# --- 1. The offer ----------------------------------------------------------------------


def create_offer(
    record, *, with_tx_code: bool | None = None, by_reference: bool = False
) -> tuple[CredentialOffer, str, str]:
    """(offer, the openid-credential-offer:// link, the transaction code or "").

    By value, the link carries the offer (and its code); by reference, it carries a
    `credential_offer_uri` the wallet reads (`offer_by_reference`): a shorter QR code.
    The code is then derived from the URI's secret, so neither is stored in clear."""
    reason = services.refusal(record)
    if reason:
        raise services.IssuanceError(reason)
    kind = claims.kind_for(record)
    if with_tx_code is None:
        with_tx_code = getattr(settings, "CREDENTIALS_OFFER_TX_CODE", True)
    reference = secrets.token_urlsafe(32) if by_reference else ""
    code = _code_of_reference(reference) if by_reference else secrets.token_urlsafe(32)
    tx_code = f"{secrets.randbelow(10**6):06d}" if with_tx_code else ""
    offer = CredentialOffer.objects.create(
        person_id=record.person_id,
        record_type=record._meta.label,
        record_public_id=record.public_id,
        configuration_id=kind.configuration_id,
        code_hash=_hash(code),
        tx_code_hash=_hash(tx_code) if tx_code else "",
        expires_at=timezone.now() + datetime.timedelta(seconds=offer_lifetime()),
    )
    if by_reference:
        uri = keys.issuer_url() + reverse("credentials:oid4vci_offer", args=[reference])
        return (
            offer,
            "openid-credential-offer://?credential_offer_uri=" + quote(uri, safe=""),
            tx_code,
        )
    document = _offer_document(kind.configuration_id, code, with_tx_code=bool(tx_code))
    link = "openid-credential-offer://?credential_offer=" + quote(
        json.dumps(document, separators=(",", ":")), safe=""
    )
    return offer, link, tx_code


def _code_of_reference(reference: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"oid4vci-offer-uri:{reference}".encode(), "sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _offer_document(configuration_id: str, code: str, *, with_tx_code: bool) -> dict:
    grant = {"pre-authorized_code": code}
    if with_tx_code:
        grant["tx_code"] = {
            "input_mode": "numeric",
            "length": 6,
            "description": "Saisissez le code à 6 chiffres affiché dans votre espace Passeport.",
        }
    return {
        "credential_issuer": keys.issuer_url(),
        "credential_configuration_ids": [configuration_id],
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }


def offer_by_reference(reference: str) -> dict | None:
    """The offer a `credential_offer_uri` names, while its code is unused and valid."""
    code = _code_of_reference(reference)
    offer = CredentialOffer.objects.filter(code_hash=_hash(code)).first()
    if offer is None or offer.code_used_at or offer.expires_at <= timezone.now():
        return None
    return _offer_document(offer.configuration_id, code, with_tx_code=bool(offer.tx_code_hash))


# --- 2. The token endpoint -------------------------------------------------------------


def exchange_code(grant_type: str, code: str, tx_code: str | None) -> dict:
    """The token response, or OAuthError. A wrong transaction code is counted (and the
    code burnt after MAX_TX_CODE_FAILURES) before the error is raised."""
    if grant_type != PRE_AUTHORIZED_GRANT:
        raise OAuthError("unsupported_grant_type", "Seul le code pré-autorisé est accepté.")
    if not code:
        raise OAuthError("invalid_request", "Le paramètre pre-authorized_code manque.")
    with transaction.atomic():
        offer = CredentialOffer.objects.select_for_update().filter(code_hash=_hash(code)).first()
        now = timezone.now()
        if offer is None or offer.code_used_at or offer.expires_at <= now:
            raise OAuthError("invalid_grant", "Code inconnu, expiré ou déjà utilisé.")
        wrong_tx_code = bool(offer.tx_code_hash) and not (
            tx_code and secrets.compare_digest(_hash(tx_code), offer.tx_code_hash)
        )
        if wrong_tx_code:
            offer.tx_code_failures += 1
            fields = ["tx_code_failures"]
            if offer.tx_code_failures >= MAX_TX_CODE_FAILURES:
                offer.code_used_at = now  # burnt: the holder asks for a new offer
                fields.append("code_used_at")
            offer.save(update_fields=fields)
        else:
            if tx_code and not offer.tx_code_hash:
                raise OAuthError(
                    "invalid_request", "Cette offre n'attend pas de code de transaction."
                )
            token = secrets.token_urlsafe(32)
            offer.code_used_at = now
            offer.token_hash = _hash(token)
            offer.token_expires_at = now + datetime.timedelta(seconds=token_lifetime())
            offer.save(update_fields=["code_used_at", "token_hash", "token_expires_at"])
            return {"access_token": token, "token_type": "Bearer", "expires_in": token_lifetime()}
    # Outside the atomic block: the failure count is saved.
    raise OAuthError("invalid_grant", "Code de transaction erroné.")


# --- 3. Nonce and credential endpoints -------------------------------------------------


def new_nonce() -> str:
    nonce = secrets.token_urlsafe(24)
    ProofNonce.objects.create(
        nonce_hash=_hash(nonce),
        expires_at=timezone.now() + datetime.timedelta(seconds=token_lifetime()),
    )
    return nonce


def _consume_nonce(nonce) -> bool:
    if not isinstance(nonce, str) or not nonce:
        return False
    return bool(
        ProofNonce.objects.filter(
            nonce_hash=_hash(nonce), used_at__isnull=True, expires_at__gt=timezone.now()
        ).update(used_at=timezone.now())
    )


def _b64json(part: str) -> dict:
    from .statuslists import b64url_decode

    value = json.loads(b64url_decode(part))
    if not isinstance(value, dict):
        raise ValueError
    return value


def verify_proof(proof_jwt: str) -> dict:
    """The wallet's public JWK, once its key proof holds (signature, typ, aud, iat,
    a fresh c_nonce used once)."""
    try:
        header = _b64json(proof_jwt.split(".")[0])
    except (ValueError, IndexError, AttributeError) as error:
        raise OAuthError("invalid_proof", "Preuve de possession illisible.") from error
    if header.get("typ") != PROOF_TYP:
        raise OAuthError("invalid_proof", f"Type de preuve attendu : {PROOF_TYP}.")
    if header.get("alg") not in PROOF_ALGORITHMS:
        raise OAuthError("invalid_proof", "Algorithme de preuve non pris en charge.")
    jwk = header.get("jwk")
    if not isinstance(jwk, dict) or "d" in jwk:
        raise OAuthError("invalid_proof", "La preuve doit porter la clé publique (jwk).")
    try:
        jws = JWS()
        jws.deserialize(proof_jwt)
        jws.verify(JWK(**jwk), alg=header["alg"])
        payload = json.loads(jws.payload)
    except (JWException, ValueError, TypeError) as error:
        raise OAuthError("invalid_proof", "Signature de la preuve invalide.") from error
    if payload.get("aud") != keys.issuer_url():
        raise OAuthError("invalid_proof", "La preuve n'est pas adressée à cet émetteur.")
    iat = payload.get("iat")
    if not isinstance(iat, int | float) or abs(timezone.now().timestamp() - iat) > 300:
        raise OAuthError("invalid_proof", "La preuve n'est pas récente.")
    if not _consume_nonce(payload.get("nonce")):
        raise OAuthError("invalid_nonce", "Nonce absent, expiré ou déjà utilisé.")
    return jwk


def _holder_actor(person) -> Actor:
    from passeport.users.models import User

    user = User.objects.filter(person=person).first()
    if user is None:
        return Actor(ActorKind.HOLDER, str(person.public_id), "Titulaire")
    return Actor.for_user(user)


@transaction.atomic
def issue_credential(access_token: str, request: dict) -> dict:
    offer = (
        CredentialOffer.objects.select_for_update()
        .filter(token_hash=_hash(access_token or ""))
        .select_related("person")
        .first()
    )
    now = timezone.now()
    if offer is None or offer.token_used_at or not offer.token_expires_at:
        raise OAuthError("invalid_token", "Jeton d'accès inconnu ou déjà utilisé.", 401)
    if offer.token_expires_at <= now:
        raise OAuthError("invalid_token", "Jeton d'accès expiré.", 401)
    if not isinstance(request, dict):
        raise OAuthError("invalid_credential_request", "Requête JSON attendue.")
    wanted = request.get("credential_configuration_id") or request.get("credential_identifier")
    if wanted != offer.configuration_id:
        raise OAuthError(
            "invalid_credential_request", "Cette offre porte sur une autre configuration."
        )
    proofs = request.get("proofs")
    if isinstance(proofs, dict) and isinstance(proofs.get("jwt"), list) and proofs["jwt"]:
        if len(proofs["jwt"]) != 1:
            raise OAuthError("invalid_proof", "Une seule preuve : une seule attestation par offre.")
        proof_jwt = proofs["jwt"][0]
    elif isinstance(request.get("proof"), dict) and request["proof"].get("proof_type") == "jwt":
        proof_jwt = request["proof"].get("jwt")  # drafts before 1.0 final
    else:
        raise OAuthError("invalid_proof", "Preuve de possession de clé (jwt) manquante.")
    holder_jwk = verify_proof(proof_jwt if isinstance(proof_jwt, str) else "")
    model = apps.get_model(offer.record_type)
    record = model.objects.filter(person=offer.person, public_id=offer.record_public_id).first()
    if record is None or services.refusal(record):
        raise OAuthError(
            "invalid_credential_request",
            "L'entrée a été corrigée ou annulée depuis l'offre : demandez une nouvelle offre.",
        )
    issuance, credential = services.issue_sd_jwt(
        record,
        actor=_holder_actor(offer.person),
        holder_jwk=holder_jwk,
        channel=IssuanceChannel.WALLET,
    )
    offer.token_used_at = now
    offer.issuance = issuance
    offer.save(update_fields=["token_used_at", "issuance"])
    return {"credentials": [{"credential": credential}]}


# Offers and nonces are worthless once expired (refused anyway): kept a day for the
# holder's page, then deleted by the periodic purge.
PURGE_AFTER = datetime.timedelta(days=1)


def purge_expired(now: datetime.datetime | None = None) -> tuple[int, int]:
    """(offers, nonces) deleted: expired for more than `PURGE_AFTER`, token included."""
    limit = (now or timezone.now()) - PURGE_AFTER
    offers, _ = (
        CredentialOffer.objects.filter(expires_at__lt=limit)
        .exclude(token_expires_at__gte=limit)
        .delete()
    )
    nonces, _ = ProofNonce.objects.filter(expires_at__lt=limit).delete()
    return offers, nonces
