"""The API's answers to what django-ninja refuses before our code runs, in French (its own
are English: "Unauthorized", "Field required", "Cannot parse request body", "Not Found").

Validation errors keep ninja's shape (`detail`: a list of `type`, `loc`, `msg`), with the
message in French and `loc` naming the field; pydantic's error types are mapped here by
hand (pydantic has no French catalogue)."""

from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, ValidationError

UNAUTHENTICATED = (
    "Authentification requise : jeton absent, inconnu ou expiré. Obtenez un jeton par "
    "POST /api/oauth/token, puis envoyez « Authorization: Bearer <jeton> »."
)
UNREADABLE_BODY = "Corps de la requête illisible : un document JSON est attendu."

_MESSAGES = {
    "missing": "Champ obligatoire.",
    "extra_forbidden": "Champ inconnu.",
    "string_type": "Texte attendu.",
    "int_type": "Nombre entier attendu.",
    "int_parsing": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu.",
    "float_type": "Nombre attendu.",
    "float_parsing": "Nombre attendu.",
    "bool_type": "Booléen attendu (true ou false).",
    "bool_parsing": "Booléen attendu (true ou false).",
    "date_type": "Date attendue au format AAAA-MM-JJ.",
    "date_parsing": "Date attendue au format AAAA-MM-JJ.",
    "date_from_datetime_parsing": "Date attendue au format AAAA-MM-JJ.",
    "date_from_datetime_inexact": "Date attendue au format AAAA-MM-JJ, sans heure.",
    "datetime_type": "Date et heure attendues (ISO 8601).",
    "datetime_parsing": "Date et heure attendues (ISO 8601).",
    "datetime_from_date_parsing": "Date et heure attendues (ISO 8601).",
    "list_type": "Liste attendue.",
    "dict_type": "Objet attendu.",
    "model_type": "Objet attendu.",
    "model_attributes_type": "Objet attendu.",
    "uuid_type": "Identifiant (UUID) attendu.",
    "uuid_parsing": "Identifiant (UUID) attendu.",
    "json_invalid": "JSON invalide.",
    "string_too_long": "Texte trop long : au plus {max_length} caractères.",
    "string_too_short": "Texte trop court : au moins {min_length} caractère(s).",
    "too_long": "Trop d'éléments : au plus {max_length}.",
    "too_short": "Pas assez d'éléments : au moins {min_length}.",
    "literal_error": "Valeur non admise (valeurs admises : {expected}).",
    "enum": "Valeur non admise (valeurs admises : {expected}).",
    "string_pattern_mismatch": "Format non admis.",
    "greater_than_equal": "Valeur trop petite : au moins {ge}.",
    "greater_than": "Valeur trop petite : plus de {gt} attendu.",
    "less_than": "Valeur trop grande : moins de {lt} attendu.",
    "decimal_parsing": "Nombre décimal attendu (par exemple 1607 ou 803.5).",
    "decimal_type": "Nombre décimal attendu (par exemple 1607 ou 803.5).",
    "decimal_max_places": "Au plus {decimal_places} chiffres après la virgule.",
    "decimal_max_digits": "Nombre trop long : au plus {max_digits} chiffres.",
    "decimal_whole_digits": "Nombre trop grand.",
    "finite_number": "Nombre fini attendu.",
    "less_than_equal": "Valeur trop grande : au plus {le}.",
}


def french_message(error: dict) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return f"Valeur non admise ({error.get('type', 'erreur')})."
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return template.split(" :")[0].split(" (")[0] + "."


def install(api) -> None:
    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = api.create_response(request, {"detail": UNAUTHENTICATED}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="passeport"'  # RFC 6750
        return response

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        detail = [
            {
                "type": error.get("type", ""),
                # ninja's own prefixes ("body", the parameter's name) say nothing to a caller
                "loc": [part for part in error.get("loc", ()) if part not in ("body", "payload")],
                "msg": french_message(error),
            }
            for error in exc.errors
        ]
        return api.create_response(request, {"detail": detail}, status=422)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = str(exc)
        if message.startswith("Cannot parse request body"):
            message = UNREADABLE_BODY
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "Introuvable."}, status=404)
