"""The development identity provider: a real OpenID Connect provider, three modes.

Why authlib: its OAuth 2.0 / OpenID Connect server components do the protocol work we
must not improvise — authorization request validation, redirect URI binding, client
authentication (client_secret_post / basic), single-use codes, PKCE (RFC 7636) and the
token response — and leave the storage and the ID token encoding to us, which is exactly
what FranceConnect+ needs (ID token and userinfo signed, then encrypted to the relying
party's published keys). django-oauth-toolkit would bring its own models and admin and
has no hook to encrypt the ID token. JOSE work is joserfc's (authlib uses it too).

Codes and tokens live in the cache (this provider never touches the database during
the token and userinfo calls, so the relying party's callback may hold a transaction
while it calls us, even on SQLite).
"""

import functools
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from authlib.integrations.django_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import grants as oidc_grants
from authlib.oidc.core.models import AuthorizationCodeMixin
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from joserfc import jwe, jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

from passeport.identity.keys import load_or_generate

CODE_TTL = 60
SCENARIO_CLAIM = "_scenario"  # carried with the account's claims to the code, then removed
TOKEN_TTL = 600


@dataclass(frozen=True)
class Mode:
    name: str  # in URLs
    provider: str  # settings.OIDC_PROVIDERS key of the relying party it serves
    label: str
    professional: bool = False
    encrypted: bool = False
    alg: str = "ES256"
    acr_values: tuple = ("eidas1",)
    scopes: tuple = (
        "openid",
        "given_name",
        "family_name",
        "preferred_username",
        "birthdate",
        "gender",
        "birthplace",
        "birthcountry",
        "email",
    )


MODES = {
    mode.name: mode
    for mode in (
        Mode("franceconnect", "franceconnect", "FranceConnect (développement)"),
        Mode(
            "franceconnect-plus",
            "franceconnect_plus",
            "FranceConnect+ (développement)",
            encrypted=True,
            acr_values=("eidas2", "eidas3"),
        ),
        Mode(
            "proconnect",
            "proconnect",
            "ProConnect (développement)",
            professional=True,
            alg="RS256",
            scopes=("openid", "given_name", "usual_name", "email", "uid", "siret", "idp_id"),
        ),
    )
}

# Failures the provider can be asked to reproduce (FranceConnect's error mock identities
# and the attacks a relying party must refuse).
SCENARIOS = {
    "": "Aucune : connexion normale",
    "missing_sub": "Réponse sans identifiant (sub)",
    "http_401": "Erreur HTTP 401 à l'échange du code",
    "http_500": "Erreur HTTP 500 à l'échange du code",
    "http_502": "Erreur HTTP 502 à l'échange du code",
    "http_503": "Erreur HTTP 503 à l'échange du code",
    "html": "Page HTML au lieu de JSON à l'échange du code",
    "slow": "Réponse lente à l'échange du code",
    "no_code": "Retour vers le service sans code d'autorisation",
    "wrong_state": "Retour vers le service avec un autre state",
    "provider_error_page": "Erreur affichée chez le fournisseur (l'usager ne revient pas)",
    "bad_signature": "Jeton d'identité signé par une autre clé",
    "expired": "Jeton d'identité expiré",
    "wrong_nonce": "Jeton d'identité avec un autre nonce",
    "wrong_audience": "Jeton d'identité destiné à un autre service",
    "acr_low": "Niveau eIDAS inférieur à celui demandé",
    "userinfo_mismatch": "Informations (userinfo) d'une autre personne",
}


# --- keys ---------------------------------------------------------------------------------


def _generate_signing_keys() -> dict:
    return KeySet(
        [
            ECKey.generate_key(
                "P-256", parameters={"alg": "ES256", "use": "sig"}, private=True, auto_kid=True
            ),
            RSAKey.generate_key(
                2048, parameters={"alg": "RS256", "use": "sig"}, private=True, auto_kid=True
            ),
        ]
    ).as_dict(private=True)


@functools.cache
def signing_keys() -> KeySet:
    path = getattr(settings, "DEV_IDP_KEYS_FILE", None)
    data = load_or_generate(path, _generate_signing_keys) if path else _generate_signing_keys()
    return KeySet.import_key_set(data)


def signing_key(alg: str):
    return next(key for key in signing_keys() if key.alg == alg)


# --- storage --------------------------------------------------------------------------------


@dataclass
class DevClient(ClientMixin):
    client_id: str
    client_secret: str
    provider: str

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):
        """Our relying party's callback for this provider, on any host this server answers
        to (the provider is mounted in the same server)."""
        parts = urlsplit(redirect_uri)
        return parts.scheme in ("http", "https") and parts.path == reverse(
            "identity:callback", args=[self.provider]
        )

    def check_client_secret(self, client_secret):
        import hmac

        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_post", "client_secret_basic")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class DevCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str
    code_challenge: str
    code_challenge_method: str
    acr: str
    claims: dict
    scenario: str = ""
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return self.acr

    def get_amr(self):
        return None


def code_key(code: str) -> str:
    return f"devidp:code:{code}"


def token_key(token: str) -> str:
    return f"devidp:token:{token}"


def peek_code(code: str) -> DevCode | None:
    return cache.get(code_key(code or ""))


# --- the server -----------------------------------------------------------------------------


def issuer_for(request, mode: Mode) -> str:
    url = request.build_absolute_uri(reverse("devidp:discovery", args=[mode.name]))
    return url.removesuffix("/.well-known/openid-configuration")


def filter_claims(mode: Mode, claims: dict, scope: str) -> dict:
    allowed = set(scope.split()) | {"sub"}
    return {name: value for name, value in claims.items() if name in allowed}


def encrypt_for_client(mode: Mode, token: str, redirect_uri: str) -> str:
    """Signed JWT → JWE to the relying party's published keys (FranceConnect+)."""
    if not mode.encrypted:
        return token
    parts = urlsplit(redirect_uri)
    jwks_url = f"{parts.scheme}://{parts.netloc}{reverse('identity:jwks')}"
    response = requests.get(jwks_url, timeout=5)
    response.raise_for_status()
    keys = KeySet.import_key_set(response.json())
    alg = getattr(settings, "DEV_IDP_ENCRYPTION_ALG", "RSA-OAEP")
    key = next(key for key in keys if key.alg == alg)
    header = {"alg": alg, "enc": "A256GCM", "kid": key.kid, "cty": "JWT"}
    return jwe.encrypt_compact(header, token, key, algorithms=[alg, "A256GCM"])


def sign(mode: Mode, claims: dict, *, scenario: str = "") -> str:
    key = signing_key(mode.alg)
    if scenario == "bad_signature":  # same key id, another key: must be refused
        other = (
            ECKey.generate_key("P-256", private=True)
            if mode.alg == "ES256"
            else RSAKey.generate_key(2048, private=True)
        )
        return jwt.encode({"alg": mode.alg, "kid": key.kid}, claims, other)
    return jwt.encode({"alg": mode.alg, "kid": key.kid}, claims, key)


class DevOpenIDCode(oidc_grants.OpenIDCode):
    def __init__(self, mode: Mode):
        super().__init__(require_nonce=True)
        self.mode = mode

    def exists_nonce(self, nonce, request):
        return False

    def generate_user_info(self, user, scope):
        return filter_claims(self.mode, user, scope)

    def encode_id_token(self, token, request):
        code: DevCode = request.authorization_code
        now = int(time.time())
        claims = {
            "iss": issuer_for(request._request, self.mode),
            "aud": code.client_id,
            "sub": code.claims["sub"],
            "iat": now,
            "exp": now + 60,
            "auth_time": code.auth_time,
            "nonce": code.nonce,
            "acr": code.acr,
            "amr": ["pwd"],
        }
        scenario = code.scenario
        if scenario == "missing_sub":
            del claims["sub"]
        elif scenario == "expired":
            claims.update(iat=now - 600, exp=now - 300)
        elif scenario == "wrong_nonce":
            claims["nonce"] = "un-autre-nonce"
        elif scenario == "wrong_audience":
            claims["aud"] = "un-autre-service"
        signed = sign(self.mode, claims, scenario=scenario)
        return encrypt_for_client(self.mode, signed, code.redirect_uri)


class DevAuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_post", "client_secret_basic"]

    def save_authorization_code(self, code, request):
        data = request.payload.data
        mode: Mode = self.server.mode
        claims = dict(request.user)
        # The failure to reproduce: the one the account carries (error identities), else
        # the one picked on the page.
        scenario = claims.pop(SCENARIO_CLAIM, "") or data.get("scenario", "")
        asked = (data.get("acr_values") or "").split()
        acr = next((value for value in mode.acr_values if value in asked), mode.acr_values[0])
        if scenario == "acr_low":
            acr = "eidas1" if mode.encrypted else "eidas0"
        record = DevCode(
            code=code,
            client_id=request.client.get_client_id(),
            redirect_uri=data.get("redirect_uri", ""),
            scope=data.get("scope", ""),
            nonce=data.get("nonce", ""),
            code_challenge=data.get("code_challenge", ""),
            code_challenge_method=data.get("code_challenge_method", ""),
            acr=acr,
            claims=claims,
            scenario=scenario if scenario in SCENARIOS else "",
        )
        cache.set(code_key(code), record, CODE_TTL)

    def query_authorization_code(self, code, client):
        record = cache.get(code_key(code))
        if record and record.client_id == client.get_client_id():
            return record
        return None

    def delete_authorization_code(self, authorization_code):
        cache.delete(code_key(authorization_code.code))

    def authenticate_user(self, authorization_code):
        return authorization_code.claims


class DevAuthorizationServer(AuthorizationServer):
    def __init__(self, mode: Mode):
        self.mode = mode
        super().__init__(client_model=None, token_model=None)
        self.register_grant(DevAuthorizationCodeGrant, [CodeChallenge(required=True), self.oidc])

    @functools.cached_property
    def oidc(self):
        return DevOpenIDCode(self.mode)

    def query_client(self, client_id):
        config = settings.OIDC_PROVIDERS.get(self.mode.provider, {})
        if not client_id or client_id != config.get("client_id"):
            return None
        return DevClient(client_id, config.get("client_secret", ""), self.mode.provider)

    def save_token(self, token, request):
        code: DevCode = request.authorization_code
        cache.set(
            token_key(token["access_token"]),
            {
                "claims": code.claims,
                "scope": token.get("scope", code.scope),
                "client_id": code.client_id,
                "redirect_uri": code.redirect_uri,
                "scenario": code.scenario,
            },
            TOKEN_TTL,
        )


@functools.cache
def server_for(mode_name: str) -> DevAuthorizationServer:
    return DevAuthorizationServer(MODES[mode_name])
