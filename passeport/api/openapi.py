"""The answers every operation shares, written into the OpenAPI document once.

django-ninja documents what an endpoint declares in `response=`; the answers our shared
layers give before or around the endpoint's own code were missing (schemathesis found
them): 401 from the bearer authentication, 400 for an unreadable body, 422 for what
ninja's validation refuses (`detail` is a list there: `errors.install`), 404 for an
identifier the path does not admit. `PasseportAPI` adds them to the generated document,
so that the document and the API cannot disagree (tests/api/test_schemathesis.py)."""

from http import HTTPStatus

from ninja import NinjaAPI

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    },
                    "msg": {"type": "string"},
                },
                "required": ["type", "loc", "msg"],
            },
        }
    },
    "required": ["detail"],
}
SHARED = {
    "401": (
        "Authentification requise : jeton absent, inconnu ou expiré (en-tête "
        "« WWW-Authenticate: Bearer »).",
        ERROR,
    ),
    "400": ("Corps de la requête illisible (JSON attendu).", ERROR),
    "404": ("Introuvable, ou identifiant de forme non admise dans l'adresse.", ERROR),
}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _add(responses: dict, status: str, description: str, schema: dict) -> None:
    existing = responses.get(status) or responses.get(int(status))
    if existing is None:
        responses[status] = _json(description, schema)
        return
    content = existing.setdefault("content", {}).setdefault("application/json", {})
    documented = content.get("schema")
    if documented and documented != schema:
        # The endpoint's own answer for this status, and the shared layer's.
        content["schema"] = {"anyOf": [documented, schema]}
    elif not documented:
        content["schema"] = schema


def _client_credentials(schema: dict) -> None:
    """Bearer tokens come from the client-credentials flow: the document says so (Swagger
    UI's « Authorize » then obtains them, and a tool knows where credentials are minted)."""
    from .models import ApiScope

    schemes = schema.get("components", {}).get("securitySchemes", {})
    if "ClientCredentialsAuth" in schemes:
        schemes["ClientCredentialsAuth"] = {
            "type": "oauth2",
            "description": "Jeton « Bearer » obtenu par POST /api/oauth/token.",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/oauth/token",
                    "scopes": {scope.value: scope.label for scope in ApiScope},
                }
            },
        }


# ninja describes a status by its English reason phrase; the documentation is French.
FRENCH_PHRASES = {
    200: "Réussi",
    201: "Créé",
    202: "Accepté, traitement en cours",
    400: "Requête illisible",
    401: "Authentification requise",
    403: "Interdit",
    404: "Introuvable",
    409: "Conflit",
    413: "Trop volumineux",
    422: "Requête refusée",
    429: "Trop de requêtes",
}


def _french(responses: dict) -> dict:
    """Status codes as strings (JSON keys; an int and a str "200" once both appeared) with
    French descriptions where ninja gave the English reason phrase."""
    result = {}
    for status, response in responses.items():
        code = int(status)
        if response.get("description") == HTTPStatus(code).phrase and code in FRENCH_PHRASES:
            response["description"] = FRENCH_PHRASES[code]
        result[str(code)] = response
    return result


def document_shared_answers(schema: dict) -> dict:
    _client_credentials(schema)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            if operation.get("security"):
                _add(responses, "401", *SHARED["401"])
            if operation.get("requestBody"):
                _add(responses, "400", *SHARED["400"])
            if operation.get("requestBody") or parameters:
                _add(
                    responses,
                    "422",
                    "Requête refusée : chaque erreur avec son champ (`loc`) et son motif.",
                    VALIDATION_ERROR,
                )
            if any(parameter.get("in") == "path" for parameter in parameters):
                _add(responses, "404", *SHARED["404"])
            operation["responses"] = _french(responses)
    return schema


class PasseportAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return document_shared_answers(super().get_openapi_schema(*args, **kwargs))
