"""Our keys as a relying party: private JWKS for FranceConnect+ decryption, whose public
part is published at /identity/jwks.

Production gives them by environment (OIDC_RP_PRIVATE_JWKS, or OIDC_RP_PRIVATE_JWKS_FILE);
development and tests generate them once (OIDC_RP_GENERATE_KEYS, only in those settings).
"""

import functools
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import ECKey, KeySet, RSAKey


def generate_encryption_keys() -> dict:
    """One RSA key (RSA-OAEP) and one P-256 key (ECDH-ES), both for A256GCM content."""
    rsa = RSAKey.generate_key(
        2048, parameters={"alg": "RSA-OAEP", "use": "enc"}, private=True, auto_kid=True
    )
    ec = ECKey.generate_key(
        "P-256", parameters={"alg": "ECDH-ES", "use": "enc"}, private=True, auto_kid=True
    )
    return KeySet([rsa, ec]).as_dict(private=True)


def load_or_generate(path: Path, generate) -> dict:
    """The JWKS stored at `path`, written there (mode 0600) by `generate()` if absent."""
    path = Path(path)
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    data = generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, indent=2)
    return data


@functools.cache
def _keyset(inline: str, path: str, generate: bool) -> KeySet:
    if inline:
        data = json.loads(inline)
    elif path and (Path(path).exists() or generate):
        data = load_or_generate(Path(path), generate_encryption_keys)
    else:
        raise ImproperlyConfigured(
            "Clés de déchiffrement FranceConnect+ absentes : OIDC_RP_PRIVATE_JWKS ou "
            "OIDC_RP_PRIVATE_JWKS_FILE."
        )
    return KeySet.import_key_set(data)


def rp_private_keys() -> KeySet:
    return _keyset(
        settings.OIDC_RP_PRIVATE_JWKS or "",
        str(settings.OIDC_RP_PRIVATE_JWKS_FILE or ""),
        getattr(settings, "OIDC_RP_GENERATE_KEYS", False),
    )


def rp_public_jwks() -> dict:
    """What we publish: the public halves only."""
    try:
        return rp_private_keys().as_dict(private=False)
    except ImproperlyConfigured:
        return {"keys": []}
