"""NIR at rest: encrypted with Fernet (rotatable keys), found again by a keyed hash.

A copy of the database alone reveals no NIR: the ciphertext needs NIR_ENCRYPTION_KEYS
and the lookup hash needs NIR_LOOKUP_KEY, both kept outside the database.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.NIR_ENCRYPTION_KEYS])


@lru_cache(maxsize=1)
def _lookup_key() -> bytes:
    return settings.NIR_LOOKUP_KEY.encode()


@receiver(setting_changed)
def _reset(setting, **kwargs):
    if setting in {"NIR_ENCRYPTION_KEYS", "NIR_LOOKUP_KEY"}:
        _fernet.cache_clear()
        _lookup_key.cache_clear()


def nir_lookup_hash(nir13: str) -> str:
    """Keyed hash of the 13-character NIR (without key: DSN and prevention files carry
    only those 13 characters, so every source finds the same person)."""
    return hmac.new(_lookup_key(), nir13.upper().encode(), hashlib.sha256).hexdigest()


def encrypt_nir(nir: str) -> str:
    return _fernet().encrypt(nir.encode()).decode()


def decrypt_nir(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def rotate_nir(token: str) -> str:
    """Re-encrypts under the current (first) key."""
    return _fernet().rotate(token.encode()).decode()
