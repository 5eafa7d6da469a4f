"""The wallet's answer (`direct_post` to the request's `response_uri`), verified once.

Protocol errors (unknown or expired request, answer already received, wrong state,
unreadable body) are refused without touching the request. Any other answer consumes
it, verified or not: the checks of `verification.verify_sd_jwt` (issuer, signature and
disclosures, status, expiry, key binding to our client identifier and the request's
nonce) plus those of the request (the asked type, the required claims disclosed, for a
share link the same holder). Kept for the recruiter's page: the checks and the asked
claims that were disclosed; never the presentation, never a claim nobody asked for.
"""

from __future__ import annotations

import json

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from passeport.journal.actors import Actor, ActorKind
from passeport.journal.services import log_person_data_read

from .. import claims, display, keys, statuslists, verification
from ..models import Issuance, PresentationRequest, PresentationRequester, PresentationStatus
from ..verdict import Verdict
from . import identity, requests

VERIFIER_ACTOR = Actor(ActorKind.ANONYMOUS, "verifier", "Vérificateur public")


class ResponseError(Exception):
    """An answer refused before verification (OpenID4VP error response)."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def as_dict(self) -> dict:
        return {"error": self.error, "error_description": self.description}


def _presentation(vp_token) -> str:
    """The one SD-JWT VC presentation answering our credential query."""
    try:
        token = json.loads(vp_token) if isinstance(vp_token, str) else vp_token
    except ValueError:
        token = None
    answer = token.get(requests.CREDENTIAL_QUERY_ID) if isinstance(token, dict) else None
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, list) or len(answer) != 1 or not isinstance(answer[0], str):
        raise ResponseError(
            "invalid_request",
            f"vp_token doit porter une présentation pour « {requests.CREDENTIAL_QUERY_ID} ».",
        )
    return answer[0]


def receive(public_id, data) -> tuple[PresentationRequest, Verdict | None]:
    """Processes one answer (`data`: the posted form). Returns the request and the
    verdict (None when the holder declined); raises ResponseError otherwise."""
    with transaction.atomic():
        request = (
            # Only the request's row is locked (PostgreSQL refuses FOR UPDATE on the
            # nullable side of the share link's outer join).
            PresentationRequest.objects.select_for_update(of=("self",))
            .select_related("share_link__person")
            .filter(public_id=public_id)
            .order_by()[:1]  # no ORDER BY: the id is unique
        )
        request = request[0] if request else None
        now = timezone.now()
        if request is None:
            raise ResponseError("invalid_request", "Demande de présentation inconnue.", 404)
        if request.status != PresentationStatus.PENDING:
            raise ResponseError(
                "invalid_request", "Une réponse a déjà été reçue pour cette demande."
            )
        if request.expires_at <= now:
            raise ResponseError("invalid_request", "Cette demande de présentation a expiré.")
        if data.get("state") != request.oauth_state:
            raise ResponseError("invalid_request", "Le paramètre state ne correspond pas.")
        if data.get("error"):
            request.status = PresentationStatus.DECLINED
            request.result = {"error": str(data.get("error"))[:64]}
            request.answered_at = now
            request.save(update_fields=["status", "result", "answered_at"])
            return request, None
        presentation = _presentation(data.get("vp_token"))
        verdict, issuance = verify(request, presentation, now)
        request.status = PresentationStatus.VERIFIED if verdict.ok else PresentationStatus.REFUSED
        request.result = _result(request, verdict)
        request.answered_at = now
        request.save(update_fields=["status", "result", "answered_at"])
        if issuance is not None:
            _journal(request, issuance, verdict)
    return request, verdict


def _issuer_payload(presentation: str) -> dict:
    try:
        return json.loads(statuslists.b64url_decode(presentation.split("~")[0].split(".")[1]))
    except (ValueError, IndexError):
        return {}


def _issuance(payload: dict) -> Issuance | None:
    reference = (payload.get("status") or {}).get("status_list") or {}
    list_id = verification.status_list_id(reference.get("uri"))
    if list_id is None or not isinstance(reference.get("idx"), int):
        return None
    found = (
        Issuance.objects.select_related("person")
        .filter(status_list__public_id=list_id, status_index=reference["idx"])
        .order_by()[:1]  # unique (list, index): no ORDER BY
    )
    return found[0] if found else None


def verify(request: PresentationRequest, presentation: str, now) -> tuple[Verdict, Issuance | None]:
    """The verdict on `presentation` for `request`, and the issuance it came from when
    it is one of ours and its signature holds (to journal it on the holder)."""
    verdict = verification.verify_sd_jwt(
        presentation, expected_aud=identity.current().client_id, nonce=request.nonce, at=now
    )
    verdict.kind = "presentation"
    intact = any(check.code == "integrity" and check.ok for check in verdict.checks)
    if not intact:
        return verdict, None
    payload = _issuer_payload(presentation)
    kind = claims.KINDS[request.credential_kind]
    verdict.add(
        "requested_type",
        "Type d'attestation demandé",
        payload.get("vct") == kind.vct,
        f"{kind.name}, comme demandé."
        if payload.get("vct") == kind.vct
        else f"Attestation d'un autre type que celui demandé ({kind.name}).",
    )
    labels = claims.CLAIM_LABELS
    required = request.claims[: request.required_count]
    missing = [labels[name] for name in required if name not in verdict.claims]
    verdict.add(
        "requested_claims",
        "Informations demandées",
        not missing,
        "Toutes les informations obligatoires sont dévoilées."
        if not missing
        else "Non dévoilées : " + ", ".join(missing) + ".",
    )
    issuance = _issuance(payload)
    _source(verdict, issuance)
    if request.requester == PresentationRequester.SHARE_LINK and request.share_link_id:
        same = issuance is not None and issuance.person_id == request.share_link.person_id
        verdict.add(
            "same_holder",
            "Titulaire du passeport partagé",
            same,
            "Attestation émise au titulaire qui vous a partagé son passeport."
            if same
            else "Attestation émise à une autre personne que le titulaire du lien.",
        )
    return verdict, issuance


def _source(verdict: Verdict, issuance: Issuance | None) -> None:
    """Who issued it, and where the entry it states comes from."""
    issuer = getattr(settings, "CREDENTIALS_ISSUER_NAME", "Passeport de compétences")
    detail = f"Émise par {issuer} ({keys.issuer_url()})"
    if issuance is not None:
        detail += f" le {timezone.localtime(issuance.issued_at):%d/%m/%Y}"
        found = (
            apps.get_model(issuance.record_type)
            .objects.select_related("declarant")
            .filter(public_id=issuance.record_public_id)
            .only("source_kind", "declarant__name")
            .order_by()[:1]
        )
        if found:
            record = found[0]
            detail += f" ; source de l'entrée : {record.get_source_kind_display().lower()}"
            if record.declarant is not None:
                detail += f" ({record.declarant.name})"
    verdict.add("source", "Émetteur et source", True, detail + ".")


def _result(request: PresentationRequest, verdict: Verdict) -> dict:
    """What the recruiter's page shows: the checks, and the asked claims disclosed."""
    asked = [name for name in request.claims if name in verdict.claims]
    return {
        "valid": verdict.ok,
        "checks": [check.as_dict() for check in verdict.checks],
        "claims": [
            [claims.CLAIM_LABELS[name], display.value_text(name, verdict.claims[name])]
            for name in asked
        ],
        "not_disclosed": [
            claims.CLAIM_LABELS[name] for name in request.claims if name not in verdict.claims
        ],
        "not_kept": len([name for name in verdict.claims if name not in request.claims]),
    }


def _journal(request: PresentationRequest, issuance: Issuance, verdict: Verdict) -> None:
    if request.requester == PresentationRequester.SHARE_LINK and request.share_link_id:
        from passeport.sharing.services import recipient_actor

        actor = recipient_actor(request.share_link)
    else:
        actor = VERIFIER_ACTOR
    kind = claims.KINDS[request.credential_kind]
    shown = [claims.CLAIM_LABELS[name] for name in request.claims if name in verdict.claims]
    what = (
        f"présentation depuis un portefeuille ({kind.name}) : "
        + (", ".join(shown) or "aucune information")
        + (" — vérifiée" if verdict.ok else " — refusée")
    )
    log_person_data_read(issuance.person, actor, what)
