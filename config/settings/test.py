"""Test settings: self-sufficient, no environment needed (DATABASE_URL may pick PostgreSQL)."""

import json as _json

from passeport.core.testing import InvalidVariable
from passeport.identity.keys import generate_encryption_keys as _generate_encryption_keys

from .base import *  # noqa: F403
from .base import TEMPLATES

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
DEBUG = False
# Tasks run synchronously where they are enqueued (after commit), in memory (Huey's
# immediate mode); tests/jobs run real workers on SQLite and Redis.
HUEY = {"name": "passeport-tests", "huey_class": "huey.MemoryHuey", "immediate": True}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
NIR_ENCRYPTION_KEYS = ["Qk5qY0F1cGVyWk1sN2Y4QjVvX3FGYlBzS0U4S2l0M1E="]
NIR_LOOKUP_KEY = "test-nir-lookup-key"

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Guardrail: an unknown variable in one of our templates fails the test that renders it.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidVariable()

# Static files come from the app folders here (runserver, test client); whitenoise and
# its STATIC_ROOT are for production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
# Guardrail: an internal code (enum value, column or claim name) in a page a test renders
# fails that test (tests/conftest.py).
MIDDLEWARE = ["passeport.core.testing.InternalCodesMiddleware", *MIDDLEWARE]

# A replica alias mirroring the test database, used only by the tests that set
# DATABASE_REPLICAS (tests/core/test_replicas.py).
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "ATOMIC_REQUESTS": False,
    "TEST": {"MIRROR": "default"},
}

# --- Identity: the development provider serves the tests over real HTTP --------------------
# Providers point at it per test (the live server's port is only known then); the keys are
# generated in memory for this process.
DEV_IDP_ENABLED = True
DEV_IDP_KEYS_FILE = None
DEV_IDP_SLOW_SECONDS = 2
OIDC_HTTP_TIMEOUT = 5.0
OIDC_RP_PRIVATE_JWKS_FILE = ""
OIDC_RP_PRIVATE_JWKS = _json.dumps(_generate_encryption_keys())
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.W001"]  # noqa: F405
# Opportunistic purges are tested explicitly (they would otherwise depend on test order).
PURGE_EXPIRED_INTERVAL = 0
# Sealed PDFs: a seal generated in memory for this process.
DOCUMENTS_SEAL_GENERATE = True
# OpenID4VP verifier: a certificate generated in memory for this process (per host).
CREDENTIALS_VERIFIER_GENERATE = True

# The development payment page of the catalogue (passeport.catalog.devpay); never in base.py.
DEV_PAYMENT_ENABLED = True
