"""Importing a file of prevention declarations: upload, status (polled with htmx; an
interrupted run is resumed from here), report, file of rejected lines, templates."""

import io

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from passeport.prevention import import_reports, importer
from passeport.prevention.enums import (
    DeclarationKind,
)
from passeport.prevention.lines import COLUMNS
from passeport.prevention.models import ImportRejection
from passeport.prevention.services import roles_of

from .access import declaring_organisation, import_of
from .forms import ImportForm

REJECTIONS_SHOWN = 200


@require_http_methods(["GET", "POST"])
def upload(request, public_id):
    organisation = declaring_organisation(request, public_id)
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        roles=roles_of(organisation),
        initial={"kind": request.GET.get("type", DeclarationKind.ADF).upper()},
    )
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        imported = importer.receive_import(
            file,
            kind=form.cleaned_data["kind"],
            declarant=organisation,
            role=form.cleaned_data["role"],
            user=request.user,
            file_name=file.name,
        )
        if imported.is_pending:
            importer.start_after_commit(imported)
        return redirect("pro:prevention_import", import_id=imported.public_id)
    return render(
        request,
        "pro/prevention/upload.html",
        {"organisation": organisation, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_GET
def import_detail(request, import_id):
    imported = import_of(request, import_id)
    rejections = list(
        ImportRejection.objects.filter(source_import=imported).order_by("line", "pk")[
            :REJECTIONS_SHOWN
        ]
    )
    # A run stopped by a restart is resumed where its last batch ended (the claim in
    # `process_import` keeps two polls from starting two runs).
    resumed = importer.is_stale(imported)
    if resumed:
        importer.start_after_commit(imported)
    context = {
        "imported": imported,
        "resumed": resumed,
        "organisation": imported.declarant,
        "summary": importer.summary(imported),
        "rejections": rejections,
        "rejections_truncated": len(rejections) == REJECTIONS_SHOWN,
        "status_url": reverse("pro:prevention_import", args=[imported.public_id]),
    }
    if request.htmx:
        return render(request, "pro/prevention/_import_status.html", context)
    return render(request, "pro/prevention/import.html", context)


@require_GET
def import_report(request, import_id, fmt):
    imported = import_of(request, import_id)
    if imported.is_pending:
        raise Http404
    out = io.StringIO()
    if fmt == "csv":
        import_reports.write_report_csv(imported, out)
        content_type = "text/csv; charset=utf-8"
    elif fmt == "json":
        import_reports.write_report_json(imported, out)
        content_type = "application/json"
    else:
        raise Http404
    response = HttpResponse(out.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="rapport-{imported.public_id}.{fmt}"'
    return response


@require_GET
def import_corrected(request, import_id):
    """The rejected lines, streamed (a large file's rejections never sit in memory)."""
    imported = import_of(request, import_id)
    if imported.is_pending or not imported.rejected_count:
        raise Http404
    response = StreamingHttpResponse(
        import_reports.corrected_lines(imported), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{import_reports.corrected_file_name(imported)}"'
    )
    return response


@require_GET
def template(request, public_id, kind, fmt):
    declaring_organisation(request, public_id)
    kind = kind.upper()
    if kind not in COLUMNS or fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "csv":
        out = io.StringIO()
        import_reports.write_template_csv(kind, out)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            import_reports.template_xlsx(kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="modele-{kind.lower()}.{fmt}"'
    return response
