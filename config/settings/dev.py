"""Development settings: the embedded default run by `make run`.

SQLite in the project folder (or DATABASE_URL), mail written to var/mail, debug on, and
secrets generated once into var/dev-secrets.json (never committed), so that even a
development database does not carry a readable NIR next to its key.
"""

import hashlib
import json
import secrets

from cryptography.fernet import Fernet

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, OIDC_PROVIDERS, SITE_URL, VAR_DIR, env

# Served as in production (`make run`: gunicorn and a Huey worker from the Procfile);
# `make dev` turns DEBUG on and reloads on code changes.
DEBUG = env("DJANGO_DEBUG", False, cast=bool)
ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"], cast=list)


def _dev_secrets():
    path = VAR_DIR / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    values = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "NIR_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "NIR_LOOKUP_KEY": secrets.token_urlsafe(32),
    }
    path.write_text(json.dumps(values, indent=2))
    path.chmod(0o600)
    return values


_secrets = _dev_secrets()
SECRET_KEY = env("DJANGO_SECRET_KEY", _secrets["DJANGO_SECRET_KEY"])
NIR_ENCRYPTION_KEYS = env("NIR_ENCRYPTION_KEYS", [_secrets["NIR_ENCRYPTION_KEYS"]], cast=list)
NIR_LOOKUP_KEY = env("NIR_LOOKUP_KEY", _secrets["NIR_LOOKUP_KEY"])

# Quieter console under `make run` (commands print their own summaries).
LOGGING["root"]["level"] = env("LOG_LEVEL", "WARNING")  # noqa: F405

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files are served by whitenoise from the app folders (no collectstatic step),
# read again on each request when DEBUG is on (`make dev`).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected here
WHITENOISE_AUTOREFRESH = DEBUG

# --- Development identity provider ----------------------------------------------------------
# A real OpenID Connect provider mounted in this server under /dev-idp/ (FranceConnect,
# FranceConnect+ and ProConnect modes). It exists only here and in the test settings:
# base.py does not know it, so production can neither mount nor point at it. The relying
# parties are the production code, pointed at it by configuration alone.
DEV_IDP_ENABLED = True
DEV_IDP_KEYS_FILE = VAR_DIR / "dev-idp-keys.json"  # generated on first run
DEV_IDP_CLIENT_SECRET = hashlib.sha256(f"dev-idp:{SECRET_KEY}".encode()).hexdigest()
for _name, _mode in (
    ("franceconnect", "franceconnect"),
    ("franceconnect_plus", "franceconnect-plus"),
    ("proconnect", "proconnect"),
):
    _provider = OIDC_PROVIDERS[_name]
    if not _provider["discovery_url"]:
        _provider["discovery_url"] = f"{SITE_URL}/dev-idp/{_mode}/.well-known/openid-configuration"
        _provider["client_id"] = f"passeport-{_mode}"
        _provider["client_secret"] = DEV_IDP_CLIENT_SECRET
# Our decryption keys for FranceConnect+ (the dev provider encrypts to them): generated on
# first run, never committed.
OIDC_RP_PRIVATE_JWKS_FILE = env("OIDC_RP_PRIVATE_JWKS_FILE", str(VAR_DIR / "oidc-rp-keys.json"))
OIDC_RP_GENERATE_KEYS = True
# The login buttons lead to the dev provider at SITE_URL even when the site is opened
# through another host name (localhost).
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(SITE_URL)

# Sealed PDFs: a self-signed seal generated on first use into var/seal/ (never committed).
DOCUMENTS_SEAL_KEY_FILE = env("DOCUMENTS_SEAL_KEY_FILE", str(VAR_DIR / "seal" / "cachet.key.pem"))
DOCUMENTS_SEAL_CERT_FILE = env("DOCUMENTS_SEAL_CERT_FILE", str(VAR_DIR / "seal" / "cachet.pem"))
DOCUMENTS_SEAL_GENERATE = True
# OpenID4VP verifier: a self-signed access certificate for SITE_URL's host, in var/verifier/.
CREDENTIALS_VERIFIER_KEY_FILE = env(
    "CREDENTIALS_VERIFIER_KEY_FILE", str(VAR_DIR / "verifier" / "verifier.key.pem")
)
CREDENTIALS_VERIFIER_CERT_FILE = env(
    "CREDENTIALS_VERIFIER_CERT_FILE", str(VAR_DIR / "verifier" / "verifier.pem")
)
CREDENTIALS_VERIFIER_GENERATE = True

# The development payment page of the catalogue (passeport.catalog.devpay); never in base.py.
DEV_PAYMENT_ENABLED = True
