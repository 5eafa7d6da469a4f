"""The certifier's portal: upload an accrochage file, follow its processing, read and
download the accusé de traitement.

Templates live next to these views (`templates/certifier/`) and are rendered by an engine
with the project's options plus that folder, so that the package stays self-contained.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.backends.django import DjangoTemplates
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from passeport.ingest.accrochage.models import AccrochageSubmission
from passeport.ingest.accrochage.services import resume_if_stale, submit_accrochage, sync_max_bytes
from passeport.organisations.models import Organisation

from .forms import AccrochageUploadForm
from .permissions import can_submit_accrochage, can_view_submission, certifier_organisations

_ENGINE = None


def _engine():
    global _ENGINE
    if _ENGINE is None:
        options = dict(settings.TEMPLATES[0]["OPTIONS"])
        _ENGINE = DjangoTemplates(
            {
                "NAME": "certifier",
                "DIRS": [Path(__file__).parent / "templates"],
                "APP_DIRS": True,
                "OPTIONS": options,
            }
        )
    return _ENGINE


def render(request, template, context=None, status=200):
    content = _engine().get_template(template).render(context or {}, request)
    return HttpResponse(content, status=status)


def _organisation(request, public_id) -> Organisation:
    organisation = get_object_or_404(Organisation, public_id=public_id, is_certifier=True)
    if not can_submit_accrochage(request.user, organisation):
        raise Http404  # another certifier's space does not exist for this user
    return organisation


def _submission(request, public_id) -> AccrochageSubmission:
    submission = get_object_or_404(
        AccrochageSubmission.objects.select_related("certifier"), public_id=public_id
    )
    if not can_view_submission(request.user, submission):
        raise Http404
    return submission


@require_GET
def home(request):
    organisations = list(certifier_organisations(request.user))
    if not organisations:
        raise PermissionDenied("Cet espace est réservé aux membres d'un certificateur.")
    if len(organisations) == 1:
        return redirect("certifier:submissions", organisation=organisations[0].public_id)
    return render(request, "certifier/home.html", {"organisations": organisations})


@require_GET
def submissions(request, organisation):
    organisation = _organisation(request, organisation)
    page = Paginator(
        AccrochageSubmission.objects.filter(certifier=organisation).order_by("-received_at", "-pk"),
        25,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "certifier/submissions.html",
        {"organisation": organisation, "page": page},
    )


@require_http_methods(["GET", "POST"])
def upload(request, organisation):
    organisation = _organisation(request, organisation)
    form = AccrochageUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        submission = submit_accrochage(
            file, certifier=organisation, submitted_by=request.user, file_name=file.name
        )
        return redirect("certifier:submission", submission=submission.public_id)
    return render(
        request,
        "certifier/upload.html",
        {
            "organisation": organisation,
            "form": form,
            "sync_max_mb": max(1, sync_max_bytes() // 1_048_576),
        },
        status=400 if form.is_bound else 200,
    )


@require_GET
def submission_detail(request, submission):
    submission = _submission(request, submission)
    context = {
        "submission": submission,
        # A run stopped by a restart is taken up again (one run only: see the claim).
        "resumed": resume_if_stale(submission),
        "organisation": submission.certifier,
        "status_url": reverse("certifier:submission", args=[submission.public_id]),
    }
    if request.htmx:
        return render(request, "certifier/_submission_status.html", context)
    return render(request, "certifier/submission.html", context)


@require_GET
def accuse_download(request, submission, fmt):
    submission = _submission(request, submission)
    field = {"xml": submission.accuse_xml, "json": submission.accuse_json}.get(fmt)
    if not field:
        raise Http404
    content_type = "application/xml" if fmt == "xml" else "application/json"
    name = f"accuse-traitement-{submission.id_flux or submission.public_id}.{fmt}"
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
