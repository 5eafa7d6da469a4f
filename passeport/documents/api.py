"""The public verifier as an API: no authentication, rate-limited per address.

`POST /api/v1/verify` takes an SD-JWT VC presentation, an Open Badges 3.0 credential or a
share link (JSON); `POST /api/v1/verify/pdf` a sealed PDF (multipart). Both answer the
verdict every verifier of the service gives: `valid`, and each check in French.
Operation ids kept from when this router lived in `api/verify.py`.
"""

import json
from typing import Any

from django.conf import settings
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from passeport.api.types import BodySchema
from passeport.credentials.verdict import Verdict
from passeport.documents.verifier import VerifierInputError, verify_submission
from passeport.identity.ratelimit import limited

router = Router(tags=["Vérification publique"])


def _one_of(name: str, schema: dict) -> dict:
    return {"required": [name], "properties": {name: schema}}


# Exactly one item, as the description says: the body's JSON Schema names it (one of the
# three given, not blank), so that a caller's tooling knows before sending.
_TEXT = {"type": "string", "pattern": r"\S"}


class VerifyIn(BodySchema):
    sd_jwt: str = ""
    open_badge: dict[str, Any] | str | None = None
    share_link: str = ""

    model_config = {
        "json_schema_extra": {
            "oneOf": [
                _one_of("sd_jwt", _TEXT),
                _one_of("open_badge", {"anyOf": [{"type": "object"}, _TEXT]}),
                _one_of("share_link", _TEXT),
            ]
        }
    }


class CheckOut(Schema):
    code: str
    label: str
    ok: bool
    detail: str


class VerdictOut(Schema):
    kind: str
    valid: bool
    checks: list[CheckOut]
    claims: dict[str, Any]
    disclosed: list[str]
    key_id: str


class Error(Schema):
    detail: str


def _limit(request):
    if limited(request, "verify", settings.VERIFY_RATE_LIMIT):
        raise HttpError(429, "Trop de vérifications depuis votre adresse : patientez une minute.")


DESCRIPTION = (
    "Sans authentification. Renseignez un seul champ : `sd_jwt` (présentation SD-JWT VC, "
    "« jeton~divulgations~ »), `open_badge` (l'attestation Open Badges 3.0, objet JSON ou "
    "texte) ou `share_link` (l'adresse d'un lien de partage). La réponse liste chaque "
    "vérification (`checks` : émetteur, intégrité, statut, expiration, informations "
    "dévoilées) ; `valid` est vrai quand toutes réussissent. Limité par adresse IP."
)


@router.post(
    "",
    response={200: VerdictOut, 400: Error, 429: Error},
    operation_id="passeport_api_verify_verify",
    summary="Vérifier une attestation numérique ou un lien de partage",
    description=DESCRIPTION,
)
def verify(request, payload: VerifyIn):
    _limit(request)
    badge = payload.open_badge
    if isinstance(badge, dict):
        badge = json.dumps(badge)
    given = [value for value in (payload.sd_jwt, badge or "", payload.share_link) if value]
    kind = "open-badge-3" if badge else "sd-jwt-vc" if payload.sd_jwt else "share-link"
    if len([value for value in given if value.strip()]) != 1:
        return Status(
            400, {"detail": "Renseignez un seul des champs sd_jwt, open_badge, share_link."}
        )
    try:
        verdict = verify_submission(
            sd_jwt=payload.sd_jwt, open_badge=badge or "", share_link=payload.share_link
        )
    except VerifierInputError as error:
        verdict = unreadable(kind, error.message)
    return Status(200, verdict.as_dict())


def unreadable(kind: str, message: str) -> Verdict:
    """One item, well given, that is not what it should be (not a PDF, not JSON): a
    verdict like any other, refused with the reason."""
    verdict = Verdict(kind=kind)
    verdict.add("format", "Format", False, message)
    return verdict


@router.post(
    "/pdf",
    response={200: VerdictOut, 400: Error, 413: Error, 429: Error},
    operation_id="passeport_api_verify_verify_pdf",
    summary="Vérifier un PDF scellé (CV ou attestation)",
    description=(
        "Sans authentification. Le PDF en `multipart/form-data`, champ `file`. Vérifie le "
        "cachet (PAdES) contre les certificats de Passeport, l'empreinte SHA-256 enregistrée à "
        "l'émission, la révocation du document et de ses entrées, et les attestations "
        "numériques jointes. Limité par adresse IP."
    ),
)
def verify_pdf(request, file: File[UploadedFile]):
    _limit(request)
    if file.size > settings.VERIFY_MAX_UPLOAD_BYTES:
        return Status(
            413,
            {
                "detail": f"Fichier trop volumineux : "
                f"{settings.VERIFY_MAX_UPLOAD_BYTES // 1_048_576} Mo au plus."
            },
        )
    try:
        verdict = verify_submission(pdf=file.read())
    except VerifierInputError as error:
        verdict = unreadable("pdf", error.message)
    return Status(200, verdict.as_dict())
