"""The public verifier (no login): a sealed PDF, an SD-JWT VC presentation, an Open
Badges 3.0 credential or a share link, checked one by one in plain French; the page a
PDF's QR code leads to; the seal certificate, published for anyone's own checks.

Rate-limited per address (VERIFY_RATE_LIMIT), uploads capped (VERIFY_MAX_UPLOAD_BYTES).
"""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from dsfr.forms import DsfrBaseForm

from passeport.core.forms import UPLOAD_TEMPLATE
from passeport.documents.models import DocumentStatus, GeneratedDocument
from passeport.documents.seal import current_seal
from passeport.documents.verifier import (
    VerifierInputError,
    claim_rows,
    verify_document_id,
    verify_submission,
)
from passeport.identity.ratelimit import limited


class VerifyForm(DsfrBaseForm):
    pdf = forms.FileField(
        template_name=UPLOAD_TEMPLATE,
        label="Un PDF scellé (CV ou attestation)",
        required=False,
        help_text="Fichier PDF téléchargé depuis Passeport.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    sd_jwt = forms.CharField(
        label="Une attestation numérique SD-JWT VC",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="Le texte « eyJ…~…~ » présenté par un portefeuille ou joint à un PDF.",
    )
    open_badge = forms.CharField(
        label="Une attestation Open Badges 3.0 (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="Collez le JSON, ou déposez le fichier ci-dessous.",
    )
    open_badge_file = forms.FileField(
        template_name=UPLOAD_TEMPLATE,
        label="… ou le fichier Open Badges 3.0",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,application/ld+json"}),
    )
    share_link = forms.CharField(
        label="Un lien de partage",
        required=False,
        max_length=500,
        help_text="L'adresse reçue, de la forme …/partage/….",
    )

    def clean(self):
        data = super().clean()
        limit = settings.VERIFY_MAX_UPLOAD_BYTES
        for name in ("pdf", "open_badge_file"):
            upload = data.get(name)
            if upload and upload.size > limit:
                self.add_error(name, f"Fichier trop volumineux : {limit // 1_048_576} Mo au plus.")
        badge_file = data.get("open_badge_file")
        if badge_file and not self.errors.get("open_badge_file"):
            if data.get("open_badge", "").strip():
                self.add_error(
                    "open_badge_file", "Collez le JSON ou déposez le fichier, pas les deux."
                )
            else:
                try:
                    data["open_badge"] = badge_file.read().decode("utf-8")
                except UnicodeDecodeError:
                    self.add_error("open_badge_file", "Ce fichier n'est pas du texte UTF-8.")
        return data


def _too_many(request):
    response = render(
        request,
        "public/verify.html",
        _context(form=VerifyForm(), too_many=True),
        status=429,
    )
    response["Retry-After"] = "60"
    return response


def _context(**extra):
    return {
        "seal": current_seal(),
        "too_many": False,
        "verdict": None,
        "rows": [],
        "subject": "l'élément présenté",
        **extra,
    }


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    if request.method == "GET":
        return render(request, "public/verify.html", _context(form=VerifyForm()))
    if limited(request, "verify", settings.VERIFY_RATE_LIMIT):
        return _too_many(request)
    form = VerifyForm(request.POST, request.FILES)
    verdict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            verdict = verify_submission(
                pdf=data["pdf"].read() if data.get("pdf") else None,
                sd_jwt=data.get("sd_jwt", ""),
                open_badge=data.get("open_badge", ""),
                share_link=data.get("share_link", ""),
            )
        except VerifierInputError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "public/verify.html",
        _context(
            form=VerifyForm() if verdict else form,
            verdict=verdict,
            rows=claim_rows(verdict.claims) if verdict else [],
        ),
        status=200 if verdict else 400,
    )


@login_not_required
@never_cache
@require_GET
def verify_document(request, public_id):
    if limited(request, "verify", settings.VERIFY_RATE_LIMIT):
        return _too_many(request)
    document = get_object_or_404(GeneratedDocument, public_id=public_id)
    if document.status != DocumentStatus.READY:
        raise Http404("Aucun document émis ne porte cet identifiant.")
    verdict = verify_document_id(document)
    return render(
        request,
        "public/verify_document.html",
        _context(
            document=document,
            verdict=verdict,
            rows=claim_rows(verdict.claims),
            form=VerifyForm(),
        ),
    )


@login_not_required
@require_GET
def seal_certificate(request):
    response = HttpResponse(current_seal().certificate_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="passeport-cachet.pem"'
    return response
