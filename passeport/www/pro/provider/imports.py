"""The provider's files: LHEO 2.3 import and export of its offer, CSV import of sessions.
The report (accepted, refused with line and reason) is shown at once: files are bounded
(50 MB LHEO, 5 MB CSV) and processed in the request."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from dsfr.forms import DsfrBaseForm

from passeport.catalog import bulk_files, lheo, sessions_csv
from passeport.catalog.lheo_export import export_offer
from passeport.catalog.models import Training

from .common import actor_of, provider_of


class UploadForm(DsfrBaseForm):
    kind = forms.ChoiceField(
        label="Type de fichier",
        choices=[
            ("lheo", "Offre au format LHEO 2.3 (XML)"),
            ("csv", "Sessions (CSV)"),
            ("files", "Actions sur les dossiers (CSV)"),
        ],
    )
    file = forms.FileField(label="Fichier")


@require_http_methods(["GET", "POST"])
def upload(request, public_id):
    provider = provider_of(request, public_id)
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        limit = lheo.MAX_BYTES if kind == "lheo" else sessions_csv.MAX_BYTES
        data = upload.read(limit + 1)
        if kind == "files":
            result = bulk_files.run(provider, data, actor_of(request.user, provider))
            summary = f"{result.done} action(s) faite(s) sur les dossiers."
        elif kind == "lheo":
            result = lheo.import_offer(provider, data)
            summary = (
                f"{result.trainings} formation(s), {result.actions} action(s), "
                f"{result.sessions} session(s) enregistrées."
            )
        else:
            result = sessions_csv.import_sessions(provider, data)
            summary = f"{result.accepted} session(s) enregistrée(s)."
        report = {"summary": summary, "errors": result.errors}
    return render(
        request,
        "pro/catalog/upload.html",
        {
            "organisation": provider,
            "form": form,
            "report": report,
            "columns": sessions_csv.COLUMNS,
            "file_columns": bulk_files.COLUMNS,
        },
    )


@require_GET
def export(request, public_id):
    provider = provider_of(request, public_id)
    if not Training.objects.filter(provider=provider).exists():
        messages.error(request, "Aucune formation à exporter.")
        return redirect("pro:catalog_offers", provider.public_id)
    response = HttpResponse(export_offer(provider), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="offre-lheo-{provider.siret}.xml"'
    return response
