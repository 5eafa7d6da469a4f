"""Errors as JSON where machines call: under /.well-known/, /credentials/ and /api/, any
error answer that is not already JSON (Django's 404 and 500 pages, the debug pages when
DEBUG is on, an empty 405) becomes `{"error": …, "error_description": …}` with the same
status and headers (Allow, WWW-Authenticate, Retry-After).

Wallets and verifiers probe these paths (an OpenID4VCI client first asks for
/.well-known/openid-configuration) and parse whatever comes back: an HTML page stops
them. The exception itself is still logged by Django (`django.request`) before this
middleware sees the response; the answer never carries a traceback.
"""

from django.conf import settings
from django.http import Http404, JsonResponse

DEFAULT_PREFIXES = ("/.well-known/", "/credentials/", "/api/")

# (OAuth-style code, French text) per status; other 4xx/5xx fall back on 400/500.
ERRORS = {
    400: ("invalid_request", "Requête invalide."),
    401: ("invalid_token", "Authentification requise."),
    403: ("access_denied", "Accès refusé."),
    404: ("not_found", "Aucune ressource à cette adresse."),
    405: ("method_not_allowed", "Méthode HTTP non acceptée à cette adresse."),
    406: ("not_acceptable", "Format de réponse demandé non disponible."),
    410: ("gone", "Cette ressource n'existe plus."),
    413: ("request_too_large", "Requête trop volumineuse."),
    415: ("unsupported_media_type", "Type de contenu non accepté."),
    429: ("too_many_requests", "Trop de requêtes : réessayez dans une minute."),
    500: ("server_error", "Erreur interne du service : elle a été enregistrée."),
    503: ("temporarily_unavailable", "Service momentanément indisponible."),
}
KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After", "Access-Control-Allow-Origin")


def _prefixes() -> tuple[str, ...]:
    return tuple(getattr(settings, "JSON_ERROR_PREFIXES", DEFAULT_PREFIXES))


def is_json(response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type == "application/json" or content_type.endswith("+json")


def json_error(status: int, *, path: str = "", description: str = "") -> JsonResponse:
    code, text = ERRORS.get(status) or ERRORS[500 if status >= 500 else 400]
    body = {"error": code, "error_description": description or text}
    if path.startswith("/api/"):
        body["detail"] = body["error_description"]  # the API's own errors say `detail`
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(_prefixes())
            or is_json(response)
            or getattr(response, "streaming", False)
        ):
            return response
        converted = json_error(response.status_code, path=request.path)
        for header in KEPT_HEADERS:
            if header in response:
                converted[header] = response[header]
        return converted

    def process_exception(self, request, exception):
        """A view's 404 keeps its own French message ("Type d'attestation inconnu.")."""
        if isinstance(exception, Http404) and request.path.startswith(_prefixes()):
            message = str(exception.args[0]) if exception.args else ""
            if message.startswith("No ") and message.endswith("matches the given query."):
                message = ""  # get_object_or_404's English text
            return json_error(404, path=request.path, description=message)
        return None
