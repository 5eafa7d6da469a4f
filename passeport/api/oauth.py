"""The token endpoint: OAuth2 client credentials (RFC 6749, section 4.4)."""

import base64
import binascii
from urllib.parse import unquote

from django.conf import settings
from django.http import JsonResponse
from ninja import Form, Router, Schema

from passeport.identity.ratelimit import limited

from .services import OAuthError, issue_token

router = Router(tags=["Authentification"])


def _basic_credentials(request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return unquote(client_id), unquote(secret)


def _error(error: OAuthError) -> JsonResponse:
    response = JsonResponse(
        {"error": error.error, "error_description": error.description}, status=error.status
    )
    if error.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="passeport"'
    response["Cache-Control"] = "no-store"
    return response


class TokenOut(Schema):
    access_token: str
    token_type: str
    expires_in: int
    scope: str


class OAuthErrorOut(Schema):
    """RFC 6749 section 5.2."""

    error: str
    error_description: str


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 400: OAuthErrorOut, 401: OAuthErrorOut, 429: OAuthErrorOut},
    summary="Obtenir un jeton d'accès",
    description=(
        "`grant_type=client_credentials`, identifiants du client en HTTP Basic ou dans le "
        "corps (`client_id`, `client_secret`), `scope` facultatif (sous-ensemble des droits "
        "du client, séparés par des espaces). Jeton valable quelques minutes."
    ),
)
def token(
    request,
    grant_type: Form[str] = "",
    scope: Form[str] = "",
    client_id: Form[str] = "",
    client_secret: Form[str] = "",
):
    if limited(request, "api-token", settings.API_TOKEN_RATE_LIMIT):
        response = _error(OAuthError("slow_down", "Trop de demandes : patientez une minute.", 429))
        response["Retry-After"] = "60"
        return response
    if grant_type != "client_credentials":
        return _error(
            OAuthError("unsupported_grant_type", "Seul grant_type=client_credentials est accepté.")
        )
    basic = _basic_credentials(request)
    if basic:
        client_id, client_secret = basic
    if not client_id:
        return _error(OAuthError("invalid_client", "Identifiants du client absents.", 401))
    try:
        raw, access = issue_token(client_id, client_secret, scope or None)
    except OAuthError as error:
        return _error(error)
    response = JsonResponse(
        {
            "access_token": raw,
            "token_type": "Bearer",
            "expires_in": settings.API_TOKEN_LIFETIME,
            "scope": " ".join(access.scopes),
        }
    )
    response["Cache-Control"] = "no-store"
    return response
