"""Login, callback, first-login consent, logout, and our public JWKS.

One callback for every provider (the provider class does the differences); every
failure is rendered as a French page from the error's message, journaled by its code,
and logged without personal data.
"""

import logging
import secrets

from django import forms
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from dsfr.forms import DsfrBaseForm

from passeport.people.models import Person
from passeport.users.enums import UserKind

from . import journal, registration_views, services
from . import state as oidc_state
from .keys import rp_public_jwks
from .oidc.errors import IdentityError, ProviderRefused
from .oidc.providers import configured_providers, get_provider
from .ratelimit import ratelimit

logger = logging.getLogger(__name__)

PENDING_KEY = "identity_pending_holder"
SESSION_ID_TOKEN = "identity_id_token"  # noqa: S105 (a session key name)
SESSION_PROVIDER = "identity_provider"
AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"
HOME_BY_KIND = {UserKind.HOLDER: "holder:dashboard", UserKind.PROFESSIONAL: "pro:dashboard"}


def _home(user) -> str:
    name = HOME_BY_KIND.get(user.kind)
    return reverse(name) if name else "/"


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _error_page(request, provider: str, error: IdentityError, person=None):
    logger.warning(
        "login refused provider=%s code=%s detail=%s", provider, error.code, error.detail
    )
    journal.log_login_refused(provider, error.code, person)
    return render(
        request,
        "identity/error.html",
        {"title": "Connexion impossible", "error": error, "message": error.message, "retry": True},
        status=error.status,
    )


def _redirect_uri(request, provider: str) -> str:
    return request.build_absolute_uri(reverse("identity:callback", args=[provider]))


def _log_user_in(request, user, provider: str, id_token: str, acr: str = ""):
    auth_login(request, user, backend=AUTH_BACKEND)
    request.session[SESSION_ID_TOKEN] = id_token
    request.session[SESSION_PROVIDER] = provider
    journal.log_login(user, provider, acr)


@login_not_required
@require_GET
def login_page(request):
    if request.user.is_authenticated:
        return redirect(_home(request.user))
    providers = configured_providers()
    return render(
        request,
        "identity/login.html",
        {
            "franceconnect": providers.get("franceconnect"),
            "franceconnect_plus": providers.get("franceconnect_plus"),
            "proconnect": providers.get("proconnect"),
            "next": _safe_next(request, request.GET.get("next", "")),
        },
    )


@login_not_required
@require_GET
@never_cache
@ratelimit("identity.login_start")
def login_start(request, provider):
    try:
        relying_party = get_provider(provider)
        state, record = oidc_state.start(
            request.session, provider, _safe_next(request, request.GET.get("next", ""))
        )
        url = relying_party.authorization_url(
            state=state,
            nonce=record.nonce,
            code_verifier=record.code_verifier,
            redirect_uri=_redirect_uri(request, provider),
        )
    except IdentityError as error:
        return _error_page(request, provider, error)
    return redirect(url)


@login_not_required
@require_GET
@never_cache
@ratelimit("identity.callback")
def callback(request, provider):
    """The provider sends the browser back here with `code` and `state` (or `error`)."""
    try:
        relying_party = get_provider(provider)
        record = oidc_state.consume(request.session, provider, request.GET.get("state", ""))
        if request.GET.get("error") or not request.GET.get("code"):
            raise ProviderRefused(f"error={request.GET.get('error', 'no code')[:50]}")
        result = relying_party.authenticate(
            code=request.GET["code"],
            code_verifier=record.code_verifier,
            nonce=record.nonce,
            redirect_uri=_redirect_uri(request, provider),
        )
        if relying_party.user_kind == UserKind.HOLDER:
            user, person = services.resolve_holder(provider, result.claims)
        else:
            user, person = services.resolve_professional(provider, result.claims), None
    except services.UnknownOrganisation as error:
        # Not a dead end: the professional may ask for their organisation's registration.
        journal.log_login_refused(provider, error.code, None)
        registration_views.remember(request.session, provider, result.claims)
        return redirect("identity:registration")
    except IdentityError as error:
        return _error_page(request, provider, error)
    if user is None:
        # First login of a holder: consent to the conditions of use before anything else.
        request.session[PENDING_KEY] = {
            "person": str(person.public_id),
            "provider": provider,
            "sub": result.claims.sub,
            "id_token": result.id_token,
            "acr": result.acr,
        }
        return redirect("identity:terms")
    _log_user_in(request, user, provider, result.id_token, result.acr)
    return redirect(record.next_url or _home(user))


class TermsForm(DsfrBaseForm):
    accept = forms.BooleanField(
        label="J'ai lu et j'accepte les conditions d'utilisation du passeport",
        required=True,
        error_messages={"required": "Cochez la case pour accepter les conditions d'utilisation."},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def terms(request):
    """First login of a holder: the conditions of use, then the account."""
    pending = request.session.get(PENDING_KEY)
    person = Person.objects.filter(public_id=pending["person"]).first() if pending else None
    if person is None:
        return redirect("identity:login")
    form = TermsForm(request.POST or None)
    if request.method == "POST" and "refuse" in request.POST:
        del request.session[PENDING_KEY]
        return render(request, "identity/terms_refused.html")
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = services.complete_first_login(person, pending["provider"], pending["sub"])
        except IdentityError as error:
            del request.session[PENDING_KEY]
            return _error_page(request, pending["provider"], error, person)
        del request.session[PENDING_KEY]
        _log_user_in(request, user, pending["provider"], pending["id_token"], pending["acr"])
        return redirect(_home(user))
    return render(
        request,
        "identity/terms.html",
        {"form": form, "first_name": person.first_names.split(" ")[0].title()},
    )


@require_POST
def logout(request):
    """Ends our session, then the provider's (end_session_endpoint with id_token_hint)."""
    id_token = request.session.get(SESSION_ID_TOKEN, "")
    provider = request.session.get(SESSION_PROVIDER, "")
    journal.log_logout(request.user)
    auth_logout(request)
    relying_party = get_provider(provider, required=False) if provider else None
    if relying_party and id_token:
        url = relying_party.logout_url(
            id_token=id_token,
            post_logout_redirect_uri=request.build_absolute_uri(reverse("identity:logged_out")),
            state=secrets.token_urlsafe(16),
        )
        if url:
            return redirect(url)
    return redirect("identity:logged_out")


@login_not_required
@require_GET
def logged_out(request):
    return render(request, "identity/logged_out.html")


@login_not_required
@require_GET
@transaction.non_atomic_requests
def jwks(request):
    """Public halves of our FranceConnect+ decryption keys (the provider encrypts to them)."""
    response = JsonResponse(rp_public_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response
