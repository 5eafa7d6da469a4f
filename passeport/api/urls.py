"""The API (django-ninja), mounted at /api/; OpenAPI documentation at /api/docs.

This package keeps what every router shares: the `NinjaAPI` and its mounting (below),
the bearer authentication (`auth`), the French errors (`errors`), the API clients and
their tokens (`models`, `services`, `oauth`). A domain's endpoints live in its own app
(`<app>/api.py`, e.g. `ingest/accrochage/api.py`, `prevention/api.py`) and are only
mounted here."""

from django.db import transaction

from . import errors, oauth, v1
from .openapi import PasseportAPI

api = PasseportAPI(
    title="Passeport — API des logiciels déclarants",
    version="1",
    description=(
        "API des employeurs, organismes de formation et certificateurs. Authentification "
        "OAuth2 « client credentials » : `POST /api/oauth/token`, puis "
        "`Authorization: Bearer <jeton>`. Les titulaires lisent leur orientation "
        "(`/api/v1/orientation`) avec la session de leur espace."
    ),
    urls_namespace="api",
)

errors.install(api)
api.add_router("/oauth", oauth.router)
api.add_router("/v1", v1.router)
api.add_router("/v1/accrochage", "passeport.ingest.accrochage.api.router")
api.add_router("/v1/verify", "passeport.documents.api.router")
api.add_router("/v1/prevention", "passeport.prevention.api.router")
api.add_router("/v1/cpf", "passeport.cpf.api.router")
api.add_router("/v1/orientation", "passeport.orientation.api.router")
api.add_router("/v1/funding", "passeport.funding.api.router")
api.add_router("/v1/catalog", "passeport.catalog.api.router")
api.add_router("/v1/training-files", "passeport.catalog.api.files_router")


def _public(patterns):
    """The API authenticates its callers itself (bearer tokens), not by session: its views
    opt out of LoginRequiredMiddleware."""
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _public(pattern.url_patterns)
        else:
            pattern.callback.login_required = False
    return patterns


# The public verifier only reads (its journal entries commit on their own, in
# `journal.append`): no request-wide transaction, which costs two round trips per
# verification and, on SQLite (BEGIN IMMEDIATE), would take the write lock for each one.
NON_ATOMIC = {"verify", "verify_pdf"}


def _non_atomic(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _non_atomic(pattern.url_patterns)
        elif pattern.name in NON_ATOMIC:
            transaction.non_atomic_requests(pattern.callback)
    return patterns


def urls():
    patterns, app_name, namespace = api.urls
    return _non_atomic(_public(patterns)), app_name, namespace
