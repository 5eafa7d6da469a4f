"""OpenID Connect relying parties: one base class, one small subclass per provider.

Everything provider-specific that is not code — discovery URL, client id and secret,
scopes, acr — comes from settings.OIDC_PROVIDERS (read from the environment), so the same
code talks to the integration platforms, production, or the development provider.

Authorization code flow with PKCE (S256); state and nonce kept server-side (state.py);
ID token and userinfo verified against the provider's JWKS (fetched with a timeout,
cached, refetched once on an unknown key), and for FranceConnect+ first decrypted with
our private keys (keys.py); iss, aud, exp, nonce and acr checked.
"""

import base64
import hashlib
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from joserfc import jwe, jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from passeport.users.enums import IdentityProvider, UserKind

from ..keys import rp_private_keys
from . import http
from .claims import HolderClaims, ProfessionalClaims
from .errors import AcrTooLow, InvalidToken, MissingClaims, NonceMismatch, ProviderNotConfigured

logger = logging.getLogger(__name__)

ACR_LEVELS = ("eidas1", "eidas2", "eidas3")
CLOCK_LEEWAY = 60  # seconds


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class LoginResult:
    claims: object  # HolderClaims or ProfessionalClaims
    id_token: str  # as received (encrypted for FranceConnect+), for the logout hint
    acr: str


class RelyingParty:
    name: str = ""
    label: str = ""
    user_kind: str = ""
    claims_class: type = HolderClaims
    encrypted = False
    signing_algorithms = ("ES256", "RS256")
    key_algorithms = ("RSA-OAEP", "RSA-OAEP-256", "ECDH-ES")
    content_algorithms = ("A256GCM",)
    extra_authorize_params: dict = {}

    def __init__(self, config: dict):
        self.config = config

    @property
    def is_configured(self) -> bool:
        return bool(self.config.get("discovery_url") and self.config.get("client_id"))

    @property
    def client_id(self) -> str:
        return self.config["client_id"]

    @property
    def acr(self) -> str:
        return self.config.get("acr", "")

    # --- provider metadata ------------------------------------------------------------

    def _cache_key(self, what: str, url: str) -> str:
        return f"identity:{what}:{hashlib.sha256(url.encode()).hexdigest()}"

    def metadata(self) -> dict:
        url = self.config["discovery_url"]
        key = self._cache_key("discovery", url)
        data = cache.get(key)
        if data is None:
            data = http.get_json(url)
            for field in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not data.get(field):
                    raise http.ProviderUnavailable(f"discovery without {field}")
            cache.set(key, data, settings.OIDC_METADATA_CACHE_SECONDS)
        return data

    def provider_keys(self, *, refresh: bool = False) -> KeySet:
        url = self.metadata()["jwks_uri"]
        key = self._cache_key("jwks", url)
        data = None if refresh else cache.get(key)
        if data is None:
            data = http.get_json(url)
            cache.set(key, data, settings.OIDC_METADATA_CACHE_SECONDS)
        try:
            return KeySet.import_key_set(data)
        except (JoseError, ValueError, KeyError, TypeError) as error:
            raise http.ProviderUnavailable("provider JWKS unreadable") from error

    # --- the flow ---------------------------------------------------------------------

    def authorization_url(
        self, *, state: str, nonce: str, code_verifier: str, redirect_uri: str
    ) -> str:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": self.config["scopes"],
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(code_verifier),
            "code_challenge_method": "S256",
            **self.extra_authorize_params,
        }
        if self.acr:
            params["acr_values"] = self.acr
        return f"{self.metadata()['authorization_endpoint']}?{urlencode(params)}"

    def authenticate(
        self, *, code: str, code_verifier: str, nonce: str, redirect_uri: str
    ) -> LoginResult:
        tokens = http.post_form_json(
            self.metadata()["token_endpoint"],
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": self.client_id,
                "client_secret": self.config["client_secret"],
                "code_verifier": code_verifier,
            },
        )
        raw_id_token, access_token = tokens.get("id_token"), tokens.get("access_token")
        if not isinstance(raw_id_token, str) or not isinstance(access_token, str):
            raise http.ProviderUnavailable("token answer without id_token or access_token")
        id_claims = self.verify_id_token(raw_id_token, nonce)
        userinfo = self.fetch_userinfo(access_token)
        if userinfo.get("sub") != id_claims["sub"]:
            raise InvalidToken("userinfo sub differs from the ID token's")
        claims = self.claims_class.from_claims({**userinfo, "sub": id_claims["sub"]})
        return LoginResult(claims=claims, id_token=raw_id_token, acr=id_claims.get("acr", ""))

    def verify_id_token(self, raw: str, nonce: str) -> dict:
        claims = self._decode(raw, "id_token")
        registry = jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY,
            iss={"essential": True, "value": self.metadata()["issuer"]},
            aud={"essential": True, "value": self.client_id},
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            registry.validate(claims)
        except JoseError as error:
            if "sub" not in claims or not claims.get("sub"):
                raise MissingClaims("id_token without sub") from error
            raise InvalidToken(f"id_token claims: {error.error}") from error
        if not isinstance(claims.get("nonce"), str) or claims["nonce"] != nonce:
            raise NonceMismatch("id_token nonce differs from the one sent")
        self.check_acr(claims.get("acr", ""))
        return claims

    def check_acr(self, acr: str) -> None:
        """The level given must be at or above the level asked."""
        if not self.acr:
            return
        if acr not in ACR_LEVELS or ACR_LEVELS.index(acr) < ACR_LEVELS.index(self.acr):
            raise AcrTooLow(f"acr {acr!r} below {self.acr!r}")

    def fetch_userinfo(self, access_token: str) -> dict:
        endpoint = self.metadata().get("userinfo_endpoint")
        if not endpoint:
            raise http.ProviderUnavailable("discovery without userinfo_endpoint")
        claims = self._decode(http.get_jwt(endpoint, access_token), "userinfo")
        issuer, audience = claims.get("iss"), claims.get("aud")
        if issuer is not None and issuer != self.metadata()["issuer"]:
            raise InvalidToken("userinfo from another issuer")
        if audience is not None and self.client_id not in (
            audience if isinstance(audience, list) else [audience]
        ):
            raise InvalidToken("userinfo for another audience")
        return claims

    def logout_url(self, *, id_token: str, post_logout_redirect_uri: str, state: str) -> str:
        """The provider's end_session_endpoint, or "" if it has none."""
        try:
            endpoint = self.metadata().get("end_session_endpoint")
        except http.ProviderUnavailable:
            return ""
        if not endpoint:
            return ""
        params = {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "state": state,
        }
        return f"{endpoint}?{urlencode(params)}"

    # --- JOSE -------------------------------------------------------------------------

    def _decode(self, raw: str, what: str) -> dict:
        """A signed JWT (or, for encrypted providers, a JWE wrapping one) verified against
        the provider's keys; its claims."""
        if self.encrypted:
            if raw.count(".") != 4:
                raise InvalidToken(f"{what} is not encrypted")
            try:
                raw = jwe.decrypt_compact(
                    raw,
                    rp_private_keys(),
                    algorithms=[*self.key_algorithms, *self.content_algorithms],
                ).plaintext.decode("utf-8")
            except (JoseError, ValueError, UnicodeDecodeError) as error:
                raise InvalidToken(f"{what} could not be decrypted: {error}") from error
        if raw.count(".") != 2:
            raise InvalidToken(f"{what} is not a signed JWT")
        keys = self.provider_keys()
        if self._kid(raw) not in {key.kid for key in keys}:
            keys = self.provider_keys(refresh=True)  # a rotation on the provider's side
        try:
            token = jwt.decode(raw, keys, algorithms=list(self.signing_algorithms))
        except (JoseError, ValueError) as error:
            raise InvalidToken(f"{what} signature: {error}") from error
        return dict(token.claims)

    @staticmethod
    def _kid(raw: str) -> str | None:
        try:
            return jws.extract_compact(raw.encode("ascii")).protected.get("kid")
        except (JoseError, ValueError, UnicodeEncodeError):
            return None


class FranceConnect(RelyingParty):
    name = IdentityProvider.FRANCECONNECT
    label = "FranceConnect"
    user_kind = UserKind.HOLDER
    claims_class = HolderClaims


class FranceConnectPlus(FranceConnect):
    """eIDAS substantial or high: tokens signed then encrypted to our keys; no SSO."""

    name = IdentityProvider.FRANCECONNECT_PLUS
    label = "FranceConnect+"
    encrypted = True
    signing_algorithms = ("ES256",)
    extra_authorize_params = {"prompt": "login"}


class ProConnect(RelyingParty):
    name = IdentityProvider.PROCONNECT
    label = "ProConnect"
    user_kind = UserKind.PROFESSIONAL
    claims_class = ProfessionalClaims


PROVIDER_CLASSES = {cls.name: cls for cls in (FranceConnect, FranceConnectPlus, ProConnect)}


def get_provider(name: str, *, required: bool = True) -> RelyingParty | None:
    cls = PROVIDER_CLASSES.get(name)
    provider = cls(settings.OIDC_PROVIDERS.get(str(name), {})) if cls else None
    if provider is None or not provider.is_configured:
        if required:
            raise ProviderNotConfigured(f"provider {name!r} unknown or not configured")
        return None
    return provider


def configured_providers() -> dict[str, RelyingParty]:
    return {name: p for name in PROVIDER_CLASSES if (p := get_provider(name, required=False))}
