"""Endpoints of the development provider: discovery, JWKS, authorize (a DSFR page to pick
a test identity and, if wanted, a failure to reproduce), token, userinfo, end_session.

Mounted only when settings.DEV_IDP_ENABLED (dev and test settings). None of the
server-to-server endpoints touches the database (see server.py)."""

import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from authlib.oauth2 import OAuth2Error
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from dsfr.forms import DsfrBaseForm

from .accounts import account_groups, find_account
from .server import (
    MODES,
    SCENARIO_CLAIM,
    SCENARIOS,
    encrypt_for_client,
    filter_claims,
    issuer_for,
    peek_code,
    server_for,
    sign,
    signing_keys,
    token_key,
)


def _mode(name):
    mode = MODES.get(name)
    if mode is None:
        raise Http404
    return mode


def _url(request, name, mode):
    return request.build_absolute_uri(reverse(f"devidp:{name}", args=[mode.name]))


@login_not_required
@require_GET
@transaction.non_atomic_requests
def discovery(request, mode):
    mode = _mode(mode)
    return JsonResponse(
        {
            "issuer": issuer_for(request, mode),
            "authorization_endpoint": _url(request, "authorize", mode),
            "token_endpoint": _url(request, "token", mode),
            "userinfo_endpoint": _url(request, "userinfo", mode),
            "jwks_uri": _url(request, "jwks", mode),
            "end_session_endpoint": _url(request, "end_session", mode),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "scopes_supported": list(mode.scopes),
            "claims_supported": [s for s in mode.scopes if s != "openid"] + ["sub"],
            "acr_values_supported": list(mode.acr_values),
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "id_token_signing_alg_values_supported": [mode.alg],
            "userinfo_signing_alg_values_supported": [mode.alg],
            **(
                {
                    "id_token_encryption_alg_values_supported": ["RSA-OAEP", "ECDH-ES"],
                    "id_token_encryption_enc_values_supported": ["A256GCM"],
                    "userinfo_encryption_alg_values_supported": ["RSA-OAEP", "ECDH-ES"],
                    "userinfo_encryption_enc_values_supported": ["A256GCM"],
                }
                if mode.encrypted
                else {}
            ),
        }
    )


@login_not_required
@require_GET
@transaction.non_atomic_requests
def jwks(request, mode):
    _mode(mode)
    return JsonResponse(signing_keys().as_dict(private=False))


class PickForm(DsfrBaseForm):
    account = forms.ChoiceField(label="Identité de test")
    scenario = forms.ChoiceField(
        label="Simuler une défaillance",
        choices=list(SCENARIOS.items()),
        required=False,
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [
            (label, [(a.key, a.label) for a in accounts]) for label, accounts in groups
        ]


@login_not_required
@require_http_methods(["GET", "POST"])
def authorize(request, mode):
    """Validates the authorization request (authlib), then lets the developer pick an
    identity; the answer goes back to the relying party's redirect_uri."""
    mode = _mode(mode)
    server = server_for(mode.name)
    try:
        grant = server.get_consent_grant(request=request, end_user=None)
    except OAuth2Error as error:
        return render(
            request,
            "identity/devidp/error.html",
            {"mode": mode, "error": error.error, "description": error.description or ""},
            status=400,
        )
    asked_acr = (request.GET.get("acr_values") or "").split()
    if mode.encrypted and not set(asked_acr) & set(mode.acr_values):
        return render(
            request,
            "identity/devidp/error.html",
            {"mode": mode, "error": "invalid_request", "description": "acr_values eidas2/eidas3"},
            status=400,
        )
    form = PickForm(request.POST or None, groups=account_groups(mode))
    if request.method == "POST" and "cancel" in request.POST:
        params = {"error": "access_denied", "state": request.GET.get("state", "")}
        return redirect(f"{grant.redirect_uri}?{urlencode(params)}")
    if request.method == "POST" and form.is_valid():
        account = find_account(mode, form.cleaned_data["account"])
        scenario = account.scenario or form.cleaned_data["scenario"]
        if scenario == "provider_error_page":
            return render(
                request,
                "identity/devidp/error.html",
                {
                    "mode": mode,
                    "heading": f"{mode.label} : erreur",
                    "error": "Erreur du fournisseur d'identité.",
                    "description": (
                        "L'identité n'a pas pu être vérifiée (simulation) : la personne reste "
                        "chez le fournisseur et ne revient pas vers le service."
                    ),
                },
                status=200,
            )
        response = server.create_authorization_response(
            request=request, grant_user={**account.claims, SCENARIO_CLAIM: scenario}, grant=grant
        )
        return _tamper_redirect(response, scenario)
    return render(
        request, "identity/devidp/authorize.html", {"mode": mode, "form": form, "grant": grant}
    )


def _tamper_redirect(response, scenario: str):
    """The redirect back to the relying party, altered as FranceConnect's mock does for
    E020021 (no code) and E020022 (another state)."""
    if scenario not in ("no_code", "wrong_state") or not response.has_header("Location"):
        return response
    parts = urlsplit(response["Location"])
    query = dict(parse_qsl(parts.query))
    if scenario == "no_code":
        query.pop("code", None)
    else:
        query["state"] = "random_state"
    response["Location"] = urlunsplit(parts._replace(query=urlencode(query)))
    return response


@login_not_required
@csrf_exempt  # server-to-server, authenticated by the client secret
@require_POST
@transaction.non_atomic_requests
def token(request, mode):
    mode = _mode(mode)
    record = peek_code(request.POST.get("code", ""))
    scenario = record.scenario if record else ""
    if scenario.startswith("http_"):
        status = int(scenario.removeprefix("http_"))
        return JsonResponse({"error": "server_error"}, status=status)
    if scenario == "html":
        return HttpResponse("<html><body><h1>Maintenance</h1></body></html>", status=200)
    if scenario == "slow":
        time.sleep(getattr(settings, "DEV_IDP_SLOW_SECONDS", 25))
    return server_for(mode.name).create_token_response(request)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
@transaction.non_atomic_requests
def userinfo(request, mode):
    mode = _mode(mode)
    header = request.headers.get("Authorization", "")
    data = cache.get(token_key(header.removeprefix("Bearer ").strip())) if header else None
    if not header.startswith("Bearer ") or data is None:
        response = JsonResponse({"error": "invalid_token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    claims = filter_claims(mode, data["claims"], data["scope"])
    if data["scenario"] == "missing_sub":
        del claims["sub"]
    if data["scenario"] == "userinfo_mismatch":
        claims["sub"] = "quelqu-un-d-autre"
    claims.update(iss=issuer_for(request, mode), aud=data["client_id"])
    signed = sign(mode, claims)
    body = encrypt_for_client(mode, signed, data["redirect_uri"])
    return HttpResponse(body, content_type="application/jwt")


@login_not_required
@require_GET
def end_session(request, mode):
    """Ends the provider session (there is none to keep here) and goes back to the
    relying party's post-logout page, which must be its own logged_out page."""
    mode = _mode(mode)
    target = request.GET.get("post_logout_redirect_uri", "")
    if not request.GET.get("id_token_hint") or urlsplit(target).path != reverse(
        "identity:logged_out"
    ):
        return HttpResponseBadRequest("post_logout_redirect_uri ou id_token_hint invalide")
    state = request.GET.get("state", "")
    return redirect(f"{target}?{urlencode({'state': state})}" if state else target)
