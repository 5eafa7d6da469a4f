"""Asking a candidate's wallet for a credential (OpenID4VP), for the public verifier and
the recipient of a share link: the recruiter picks the type and the claims, the page
shows a QR code (and a link, for a wallet on the same device), and the verdict appears,
polled with htmx, when the wallet answers.

No account: the requests a browser made are remembered in its session, and only that
browser sees their verdict (another visitor who learns a request's id gets a 404).
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from dsfr.forms import DsfrBaseForm

from passeport.credentials import claims
from passeport.credentials.models import PresentationRequest
from passeport.credentials.oid4vp import identity, requests
from passeport.credentials.verdict import Check, Verdict
from passeport.identity.ratelimit import limited

SESSION_KEY = "presentation_requests"
REMEMBERED = 20  # a browser's most recent requests


class KindForm(DsfrBaseForm):
    type = forms.ChoiceField(
        label="Type d'attestation demandé",
        choices=[(kind.slug, kind.name) for kind in claims.KINDS.values()],
        widget=forms.RadioSelect,
    )


class ClaimsForm(DsfrBaseForm):
    type = forms.CharField(widget=forms.HiddenInput)
    claims = forms.MultipleChoiceField(
        label="Informations demandées en plus",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ne demandez que ce dont vous avez besoin : le titulaire voit la liste.",
    )

    def __init__(self, kind_slug, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].choices = requests.optional_claims(kind_slug)


def remember(request, presentation: PresentationRequest) -> None:
    ids = [*request.session.get(SESSION_KEY, []), str(presentation.public_id)]
    request.session[SESSION_KEY] = ids[-REMEMBERED:]


def owned(request, public_id, **filters) -> PresentationRequest:
    """A request this browser made, or 404."""
    if str(public_id) not in request.session.get(SESSION_KEY, []):
        raise Http404("Cette demande n'a pas été faite depuis ce navigateur.")
    presentation = (
        PresentationRequest.objects.filter(public_id=public_id, **filters)
        .select_related("share_link")
        .first()
    )
    if presentation is None:  # purged
        raise Http404("Cette demande n'existe plus.")
    return presentation


def unavailable(request):
    """The verifier's key and certificate are not configured: said, not a server error."""
    return render(request, "public/presentation_unavailable.html", status=503)


def too_many(request):
    response = HttpResponse(
        "Trop de demandes depuis votre adresse : patientez une minute.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response


def retention_minutes() -> int:
    return int(requests.retention().total_seconds() // 60)


def status_context(presentation: PresentationRequest, status_url: str) -> dict:
    """What the status fragment shows: waiting, expired, declined, or the verdict."""
    state = requests.state_of(presentation)
    context = {
        "presentation": presentation,
        "state": state,
        "status_url": status_url,
        "retention_minutes": retention_minutes(),
    }
    if state in ("verified", "refused"):
        result = presentation.result
        context["verdict"] = Verdict(
            kind="presentation", checks=[Check(**check) for check in result["checks"]]
        )
        context["rows"] = [
            (label, ", ".join(map(str, value)) if isinstance(value, list) else value)
            for label, value in result["claims"]
        ]
        context["not_disclosed"] = result["not_disclosed"]
        context["not_kept"] = result["not_kept"]
    return context


def wait_context(presentation: PresentationRequest, status_url: str) -> dict:
    wallet_link = requests.authorization_link(presentation)
    kind = claims.KINDS[presentation.credential_kind]
    return {
        **status_context(presentation, status_url),
        "kind": kind,
        "asked": [claims.CLAIM_LABELS[name] for name in presentation.claims],
        "wallet_link": wallet_link,
        "qr_data_uri": requests.qr_data_uri(wallet_link),
        "client_id": (client_id := identity.current().client_id),
        # What a wallet shows its holder: the domain name its certificate names.
        "requester_domain": client_id.split(":", 1)[-1],
    }


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def ask(request):
    """Step 1 (GET, no type): the credential type; step 2 (GET ?type=…): the claims;
    POST: the request, then its QR code page."""
    if not identity.available():
        return unavailable(request)
    kind_slug = request.POST.get("type") or request.GET.get("type")
    if kind_slug not in claims.KINDS:
        form = KindForm(request.GET or None)
        return render(
            request,
            "public/presentation_ask.html",
            {"kind_form": form, "kind": None, "retention_minutes": retention_minutes()},
        )
    if request.method == "GET":
        form = ClaimsForm(kind_slug, initial={"type": kind_slug})
    else:
        if limited(request, "presentation", settings.VERIFY_RATE_LIMIT):
            return too_many(request)
        form = ClaimsForm(kind_slug, request.POST)
        if form.is_valid():
            presentation = requests.create(kind_slug, form.cleaned_data["claims"])
            remember(request, presentation)
            return redirect("public:presentation", presentation.public_id)
    return render(
        request,
        "public/presentation_ask.html",
        {
            "form": form,
            "kind": claims.KINDS[kind_slug],
            "required": [claims.CLAIM_LABELS[n] for n in requests.required_claims(kind_slug)],
            "retention_minutes": retention_minutes(),
        },
    )


@login_not_required
@never_cache
@require_GET
def wait(request, public_id):
    presentation = owned(request, public_id, share_link__isnull=True)
    status_url = reverse("public:presentation_status", args=[presentation.public_id])
    context = wait_context(presentation, status_url) | {"link": None, "token": ""}
    return render(request, "public/presentation.html", context)


@login_not_required
@never_cache
@require_GET
def status(request, public_id):
    presentation = owned(request, public_id, share_link__isnull=True)
    status_url = reverse("public:presentation_status", args=[presentation.public_id])
    return render(
        request, "public/_presentation_status.html", status_context(presentation, status_url)
    )


@login_not_required
@require_GET
def verifier_certificate(request):
    """The certificate our request objects carry (x5c), for wallets' trust lists."""
    response = HttpResponse(
        identity.current().certificate_pem(), content_type="application/x-pem-file"
    )
    response["Content-Disposition"] = 'attachment; filename="passeport-verificateur.pem"'
    return response
