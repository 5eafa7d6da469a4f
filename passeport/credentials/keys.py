"""The issuer's key store: which key signs, and which public keys are published.

Two sources:
- production gives a private JWKS by environment (CREDENTIALS_ISSUER_KEYS) or file
  (CREDENTIALS_ISSUER_KEYS_FILE). The first key of each algorithm signs; the others are
  published for verification only. Their public halves are copied into `IssuerKey`, so a
  key removed from the configuration after a rotation stays published.
- the embedded default (CREDENTIALS_GENERATE_KEYS) generates one Ed25519 and one P-256
  key on first use and keeps them in the database, encrypted (Fernet) with
  CREDENTIALS_KEY_ENCRYPTION_KEYS, or a key derived from SECRET_KEY when none is set.

`rotate()` (manage.py rotate_issuer_keys) retires the active generated keys (they stop
signing, stay published with the date they stopped) and generates new ones.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import json
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from jwcrypto.jwk import JWK

from .models import IssuerKey, KeyAlgorithm, KeySource

CURVES = {KeyAlgorithm.EDDSA: ("OKP", "Ed25519"), KeyAlgorithm.ES256: ("EC", "P-256")}
ALGORITHM_OF_CURVE = {curve: alg for alg, (_, curve) in CURVES.items()}


class KeyStoreError(ImproperlyConfigured):
    pass


# kid → the `cryptography` private key: jwcrypto builds a new one on every call, a
# noticeable share of a credential's issuance. A kid is never reused.
_crypto_keys: dict[str, object] = {}


@dataclasses.dataclass(frozen=True)
class SigningKey:
    kid: str
    algorithm: str
    jwk: JWK  # private

    @property
    def private_key(self):
        """The `cryptography` private key (Ed25519PrivateKey or EllipticCurvePrivateKey)."""
        key = _crypto_keys.get(self.kid)
        if key is None:
            key = _crypto_keys[self.kid] = self.jwk.get_op_key("sign")
        return key

    def sign_jws(self, signing_input: bytes) -> bytes:
        """The JWS signature (RFC 7515/7518) of `signing_input`: Ed25519 as is, ES256 as
        the 64-byte R ‖ S."""
        if self.algorithm == KeyAlgorithm.EDDSA:
            return self.private_key.sign(signing_input)
        der = self.private_key.sign(signing_input, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


# --- Configuration ---------------------------------------------------------------------


def _setting(name, default):
    return getattr(settings, name, default)


def _configured_text() -> str | None:
    inline = _setting("CREDENTIALS_ISSUER_KEYS", "")
    path = _setting("CREDENTIALS_ISSUER_KEYS_FILE", "")
    if inline:
        return inline
    if path:
        if not Path(path).exists():
            raise KeyStoreError(f"CREDENTIALS_ISSUER_KEYS_FILE : fichier absent ({path}).")
        return Path(path).read_text()
    return None


def _configured_jwks() -> dict | None:
    text = _configured_text()
    return None if text is None else json.loads(text)


@functools.cache
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    if not keys:
        # Embedded default: a key derived from SECRET_KEY, so that the database alone
        # never holds a usable private key.
        derived = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=b"passeport.credentials",
            info=b"issuer-keys-at-rest",
        ).derive(secret.encode())
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key) for key in keys])


def _encryption() -> MultiFernet:
    return _fernet(
        tuple(_setting("CREDENTIALS_KEY_ENCRYPTION_KEYS", []) or ()), settings.SECRET_KEY
    )


# --- Keys ------------------------------------------------------------------------------


def _algorithm_of(jwk_dict: dict) -> str:
    algorithm = ALGORITHM_OF_CURVE.get(jwk_dict.get("crv", ""))
    if algorithm is None:
        raise KeyStoreError(
            f"Clé « {jwk_dict.get('kid', '?')} » : seules Ed25519 et P-256 sont acceptées."
        )
    return algorithm


def _public_dict(jwk: JWK, kid: str, algorithm: str) -> dict:
    public = jwk.export_public(as_dict=True)
    return {**public, "kid": kid, "alg": algorithm, "use": "sig"}


def generate(algorithm: str, now=None) -> tuple[JWK, str]:
    kty, crv = CURVES[algorithm]
    jwk = JWK.generate(kty=kty, crv=crv)
    now = now or timezone.now()
    prefix = "ed25519" if algorithm == KeyAlgorithm.EDDSA else "p256"
    kid = f"{prefix}-{now:%Y-%m-%d}-{jwk.thumbprint()[:10]}"
    return jwk, kid


def _store_generated(algorithm: str, now) -> IssuerKey:
    jwk, kid = generate(algorithm, now)
    private = json.dumps(jwk.export_private(as_dict=True))
    return IssuerKey.objects.create(
        kid=kid,
        algorithm=algorithm,
        public_jwk=_public_dict(jwk, kid, algorithm),
        private_key_encrypted=_encryption().encrypt(private.encode()).decode(),
        source=KeySource.GENERATED,
        not_before=now,
        active=True,
    )


_private_cache: dict[str, JWK] = {}
_sync_lock = threading.Lock()
_synced: set[int] = set()


@functools.lru_cache(maxsize=4)
def _parse_configured(text: str) -> tuple[dict[str, JWK], dict[str, str], int]:
    """(private keys by kid, signing kid by algorithm, marker) of a configured JWKS; kept
    per text, so that each issuance does not parse the JWKS and build its keys again,
    while any change of the configuration is seen."""
    data = json.loads(text)
    keys = {}
    first_of: dict[str, str] = {}
    for entry in data.get("keys", []):
        if "d" not in entry or "kid" not in entry:
            raise KeyStoreError("Chaque clé configurée doit être privée et avoir un « kid ».")
        algorithm = _algorithm_of(entry)
        keys[entry["kid"]] = JWK(**entry)
        first_of.setdefault(algorithm, entry["kid"])
    return keys, first_of, hash(json.dumps(data, sort_keys=True))


def _sync_configured() -> dict[str, JWK] | None:
    """Copies the configured keys' public halves into IssuerKey (once per process and
    configuration); returns the private keys by kid, or None without configuration."""
    text = _configured_text()
    if text is None:
        return None
    keys, first_of, marker = _parse_configured(text)
    with _sync_lock:
        if marker not in _synced:
            now = timezone.now()
            with transaction.atomic():
                for kid, jwk in keys.items():
                    algorithm = _algorithm_of(jwk.export_public(as_dict=True))
                    row, _ = IssuerKey.objects.get_or_create(
                        kid=kid,
                        defaults={
                            "algorithm": algorithm,
                            "public_jwk": _public_dict(jwk, kid, algorithm),
                            "source": KeySource.CONFIGURED,
                            "not_before": now,
                            "active": False,
                        },
                    )
                    should_sign = first_of[algorithm] == kid
                    if should_sign and not row.active:
                        IssuerKey.objects.filter(algorithm=algorithm, active=True).update(
                            active=False, not_after=now
                        )
                        row.active, row.not_after = True, None
                        row.save(update_fields=["active", "not_after"])
            _synced.add(marker)
    return keys


def signing_key(algorithm: str) -> SigningKey:
    """The key that signs new credentials with `algorithm` (generated on first use in the
    embedded default)."""
    return signing_keys([algorithm])[algorithm]


def signing_keys(algorithms) -> dict[str, SigningKey]:
    """The active key of each algorithm, read in one query (a batch that signs with both
    algorithms asks once). Private keys are decrypted once per process and kid: a kid is
    never reused, so a rotation (a new kid) is seen at the next call."""
    configured = _sync_configured()
    algorithms = set(algorithms)
    rows = {
        row.algorithm: row
        for row in IssuerKey.objects.filter(algorithm__in=algorithms, active=True)
    }
    for algorithm in algorithms - set(rows):
        if configured is not None or not _setting("CREDENTIALS_GENERATE_KEYS", True):
            raise KeyStoreError(
                f"Aucune clé d'émission {algorithm} : configurez CREDENTIALS_ISSUER_KEYS "
                "ou CREDENTIALS_ISSUER_KEYS_FILE."
            )
        try:
            with transaction.atomic():
                rows[algorithm] = _store_generated(algorithm, timezone.now())
        except IntegrityError:  # another process generated it first
            rows[algorithm] = IssuerKey.objects.get(algorithm=algorithm, active=True)
    return {algorithm: _signing(row, configured) for algorithm, row in rows.items()}


def _signing(row: IssuerKey, configured: dict[str, JWK] | None) -> SigningKey:
    jwk = _private_cache.get(row.kid)
    if jwk is None:
        if row.source == KeySource.CONFIGURED:
            if not configured or row.kid not in configured:
                raise KeyStoreError(f"Clé privée « {row.kid} » absente de la configuration.")
            jwk = configured[row.kid]
        else:
            jwk = JWK(**json.loads(_encryption().decrypt(row.private_key_encrypted.encode())))
        _private_cache[row.kid] = jwk
    return SigningKey(row.kid, row.algorithm, jwk)


def rotate(now=None) -> list[IssuerKey]:
    """Retires the active generated keys and generates new ones (one per algorithm)."""
    if _configured_jwks() is not None:
        raise KeyStoreError(
            "Les clés viennent de la configuration : ajoutez la nouvelle clé en tête du JWKS "
            "configuré (l'ancienne, gardée ou retirée, reste publiée)."
        )
    now = now or timezone.now()
    created = []
    with transaction.atomic():
        for algorithm in KeyAlgorithm.values:
            IssuerKey.objects.filter(algorithm=algorithm, active=True).update(
                active=False, not_after=now
            )
            created.append(_store_generated(algorithm, now))
    return created


def published_keys() -> list[IssuerKey]:
    configured = _sync_configured()
    if configured is None and _setting("CREDENTIALS_GENERATE_KEYS", True):
        # The embedded default generates its keys on first use: publishing them is a use,
        # so that a verifier resolving did.json or the JWKS before the first issuance
        # finds the keys that will sign.
        signing_keys(KeyAlgorithm.values)
    return list(IssuerKey.objects.order_by("algorithm", "-not_before"))


def find_key(kid: str) -> IssuerKey | None:
    if not kid:
        return None
    return IssuerKey.objects.filter(kid=kid).first()


def public_jwk(key: IssuerKey) -> JWK:
    return JWK(**{k: v for k, v in key.public_jwk.items() if k not in {"nbf", "exp"}})


# --- Publication -----------------------------------------------------------------------


def issuer_url() -> str:
    return settings.SITE_URL.rstrip("/")


def issuer_did() -> str:
    """did:web for SITE_URL's host (a port is percent-encoded, a path becomes colons)."""
    parts = urlsplit(issuer_url())
    did = "did:web:" + quote(parts.netloc, safe="")
    path = parts.path.strip("/")
    if path:
        did += ":" + ":".join(quote(segment, safe="") for segment in path.split("/"))
    return did


def verification_method_id(kid: str) -> str:
    return f"{issuer_did()}#{kid}"


def _validity(key: IssuerKey) -> dict:
    # Not registered JWK members: they say when the key signed, so that a verifier can
    # refuse a credential dated outside that period (what verification.py does).
    validity = {"nbf": int(key.not_before.timestamp())}
    if key.not_after:
        validity["exp"] = int(key.not_after.timestamp())
    return validity


def jwks() -> dict:
    return {"keys": [{**key.public_jwk, **_validity(key)} for key in published_keys()]}


# Multicodec prefix of an Ed25519 public key (0xed, varint-encoded: 0xed 0x01).
ED25519_MULTICODEC = b"\xed\x01"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(data: bytes) -> str:
    # Written here: base58 is a dozen lines and no base58 package is in the lock file.
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _BASE58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _BASE58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def ed25519_multikey(key: IssuerKey) -> str:
    raw = base64.urlsafe_b64decode(key.public_jwk["x"] + "==")
    return "z" + base58btc(ED25519_MULTICODEC + raw)


def verification_method(key: IssuerKey) -> dict:
    controller = issuer_did()
    method = {"id": verification_method_id(key.kid), "controller": controller}
    if key.algorithm == KeyAlgorithm.EDDSA:
        method |= {"type": "Multikey", "publicKeyMultibase": ed25519_multikey(key)}
    else:
        jwk = {k: v for k, v in key.public_jwk.items() if k in {"kty", "crv", "x", "y", "kid"}}
        method |= {"type": "JsonWebKey", "publicKeyJwk": jwk}
    return method


def did_document() -> dict:
    did = issuer_did()
    keys = published_keys()
    methods = [verification_method(key) for key in keys]
    return {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1",
            "https://w3id.org/security/jwk/v1",
        ],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
