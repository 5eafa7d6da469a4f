"""The holder's CVs and sealed documents: compose a CV from published entries, order it,
preview it, have its sealed PDF made off the request path (the page polls with htmx),
download or revoke what was issued; attestations of prevention trainings and of one entry.

As everywhere in the holder's space, objects are looked up with `person=` the logged-in
holder's: another holder's identifiers give a 404.
"""

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from dsfr.forms import DsfrBaseForm

from passeport.core.digits import ascii_digits
from passeport.documents import builders
from passeport.documents import services as documents
from passeport.documents.models import Cv, DocumentKind, GeneratedDocument
from passeport.journal.actors import Actor
from passeport.records.timeline import entry_for, kind_of

from .access import holder_required
from .views import _entry_or_404


def entry_choice(record, today) -> tuple[str, str]:
    entry = entry_for(record, today)
    assurance = "garantie" if entry.is_guaranteed else "déclarée"
    subtitle = f" — {entry.subtitle}" if entry.subtitle else ""
    return (f"{entry.kind}:{record.public_id}", f"{entry.title}{subtitle} ({assurance})")


def parse_choices(person, values) -> list:
    """The person's records named by "kind:public_id" values, in the order given."""
    pairs = []
    for value in values:
        kind, _, public_id = value.partition(":")
        pairs.append((kind, public_id))
    return builders.records_of(person, pairs)


class CvForm(DsfrBaseForm):
    title = forms.CharField(
        label="Titre du CV",
        max_length=120,
        help_text="Par exemple : « Technicienne de maintenance industrielle ».",
    )
    summary = forms.CharField(
        label="Présentation (facultative)",
        required=False,
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Quelques lignes sur vous et ce que vous recherchez (1 200 caractères au plus).",
    )
    entries = forms.MultipleChoiceField(
        label="Entrées du CV",
        help_text="Seules vos entrées publiées peuvent figurer dans un CV.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une entrée."},
    )

    def __init__(self, *args, records=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [entry_choice(r, today) for r in records]


def _cv_or_404(request, public_id) -> Cv:
    return get_object_or_404(Cv, public_id=public_id, person=request.user.person)


def _document_or_404(request, public_id) -> GeneratedDocument:
    return get_object_or_404(GeneratedDocument, public_id=public_id, person=request.user.person)


@require_GET
@holder_required
def cv_list(request):
    person = request.user.person
    cvs = list(
        Cv.objects.filter(person=person)
        .annotate(entries_count=Count("items"))
        .order_by("-updated_at", "-pk")
    )
    issued = list(
        GeneratedDocument.objects.filter(person=person)
        .select_related("cv")
        .order_by("-created_at", "-pk")[:100]
    )
    return render(request, "holder/cv/list.html", {"cvs": cvs, "documents": issued})


def _save_cv(request, cv=None):
    person = request.user.person
    today = timezone.localdate()
    records = builders.publishable_records(person)
    initial = None
    if cv is not None:
        initial = {
            "title": cv.title,
            "summary": cv.summary,
            "entries": [f"{i.kind}:{i.record_public_id}" for i in cv.items.all()],
        }
    form = CvForm(
        request.POST if request.method == "POST" else None,
        records=records,
        today=today,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        chosen = parse_choices(person, form.cleaned_data["entries"])
        try:
            cv = documents.save_cv(
                person,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                records=chosen,
                cv=cv,
            )
        except documents.DocumentError as error:
            form.add_error("entries", error.message)
        else:
            messages.success(request, "Votre CV est enregistré.")
            return redirect("holder:cv_detail", cv.public_id)
    return form, records


@require_http_methods(["GET", "POST"])
@holder_required
def cv_create(request):
    result = _save_cv(request)
    if not isinstance(result, tuple):
        return result
    form, records = result
    return render(
        request,
        "holder/cv/form.html",
        {"form": form, "cv": None, "has_entries": bool(records)},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@holder_required
def cv_edit(request, public_id):
    cv = _cv_or_404(request, public_id)
    result = _save_cv(request, cv)
    if not isinstance(result, tuple):
        return result
    form, records = result
    return render(
        request,
        "holder/cv/form.html",
        {"form": form, "cv": cv, "has_entries": bool(records)},
        status=400 if form.is_bound else 200,
    )


def _rows(cv, today):
    rows = []
    for item, record in documents.cv_records(cv):
        rows.append(
            {
                "item": item,
                "record": record,
                "entry": entry_for(record, today) if record else None,
                "usable": record is not None and builders.is_shareable(record),
            }
        )
    return rows


@require_GET
@holder_required
def cv_detail(request, public_id):
    cv = _cv_or_404(request, public_id)
    today = timezone.localdate()
    rows = _rows(cv, today)
    context = {
        "cv": cv,
        "rows": rows,
        "unusable": [row for row in rows if not row["usable"]],
        "documents": list(cv.documents.order_by("-created_at", "-pk")[:20]),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "holder/cv/_order.html", context)
    return render(request, "holder/cv/detail.html", context)


@require_POST
@holder_required
def cv_move(request, public_id):
    """Up/down buttons: plain form posts that work without JavaScript; with htmx the
    list alone is swapped."""
    cv = _cv_or_404(request, public_id)
    item, _, direction = request.POST.get("move", "").partition(":")
    if not ascii_digits(item) or not documents.move_item(cv, int(item), direction):
        messages.warning(request, "Cette entrée ne peut pas aller plus loin.")
    if request.htmx:
        today = timezone.localdate()
        rows = _rows(cv, today)
        return render(request, "holder/cv/_order.html", {"cv": cv, "rows": rows})
    return redirect(reverse("holder:cv_detail", args=[cv.public_id]) + "#ordre")


@require_GET
@holder_required
def cv_preview(request, public_id):
    cv = _cv_or_404(request, public_id)
    today = timezone.localdate()
    records = [record for _, record in documents.cv_records(cv) if record is not None]
    records = [record for record in records if builders.is_shareable(record)]
    data = documents.preview_data(
        cv.person,
        kind=DocumentKind.CV,
        title=cv.title,
        records=records,
        today=today,
        summary=cv.summary,
    )
    return render(request, "holder/cv/preview.html", {"cv": cv, "data": data})


@require_POST
@holder_required
def cv_pdf(request, public_id):
    cv = _cv_or_404(request, public_id)
    records = [record for _, record in documents.cv_records(cv) if record is not None]
    try:
        document = documents.request_document(
            cv.person,
            kind=DocumentKind.CV,
            records=records,
            title=cv.title,
            actor=Actor.for_user(request.user),
            cv=cv,
            summary=cv.summary,
        )
    except documents.DocumentError as error:
        messages.error(request, error.message)
        return redirect("holder:cv_detail", cv.public_id)
    return redirect("holder:document", document.public_id)


@require_http_methods(["GET", "POST"])
@holder_required
def cv_delete(request, public_id):
    cv = _cv_or_404(request, public_id)
    if request.method == "POST":
        documents.delete_cv(cv, actor=Actor.for_user(request.user))
        messages.success(
            request, "Le CV est supprimé ; les PDF faits à partir de lui sont révoqués."
        )
        return redirect("holder:cv_list")
    return render(request, "holder/cv/delete.html", {"cv": cv})


@require_GET
@holder_required
def document(request, public_id):
    issued = _document_or_404(request, public_id)
    context = {
        "document": issued,
        # A rendering stopped by a restart is started again (one run only: see the claim).
        "restarted": documents.restart_if_stale(issued),
        "status_url": reverse("holder:document", args=[issued.public_id]),
        "verify_url": documents.verification_url(issued),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "holder/cv/_document_status.html", context)
    return render(request, "holder/cv/document.html", context)


@require_GET
@holder_required
def document_download(request, public_id):
    issued = _document_or_404(request, public_id)
    if not issued.is_downloadable:
        raise Http404("Ce document n'est pas disponible.")
    return FileResponse(
        issued.file.open("rb"),
        as_attachment=True,
        filename=issued.filename(),
        content_type="application/pdf",
    )


@require_POST
@holder_required
def document_revoke(request, public_id):
    issued = _document_or_404(request, public_id)
    documents.revoke_document(issued, actor=Actor.for_user(request.user))
    messages.success(
        request,
        "Le document est révoqué : le vérificateur public le dit désormais à quiconque le "
        "présente.",
    )
    return redirect("holder:cv_list")


class PreventionAttestationForm(DsfrBaseForm):
    trainings = forms.MultipleChoiceField(
        label="Formations à faire figurer",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une formation."},
    )

    def __init__(self, *args, trainings=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for training in trainings:
            value, label = entry_choice(training, today)
            entry = entry_for(training, today)
            choices.append((value, f"{label} — {entry.validity_label}"))
        self.fields["trainings"].choices = choices


@require_http_methods(["GET", "POST"])
@holder_required
def prevention_attestation(request):
    person = request.user.person
    today = timezone.localdate()
    trainings = builders.prevention_trainings(person)
    form = PreventionAttestationForm(
        request.POST if request.method == "POST" else None, trainings=trainings, today=today
    )
    if request.method == "POST" and form.is_valid():
        chosen = parse_choices(person, form.cleaned_data["trainings"])
        try:
            issued = documents.request_document(
                person,
                kind=DocumentKind.PREVENTION,
                records=chosen,
                title="Attestation — passeport de prévention",
                actor=Actor.for_user(request.user),
            )
        except documents.DocumentError as error:
            form.add_error("trainings", error.message)
        else:
            return redirect("holder:document", issued.public_id)
    return render(
        request,
        "holder/cv/prevention.html",
        {"form": form, "has_trainings": bool(trainings)},
        status=400 if form.is_bound else 200,
    )


@require_POST
@holder_required
def entry_attestation(request, kind, public_id):
    record = _entry_or_404(request, kind, public_id)
    if kind_of(record) != kind or not builders.is_current(record):
        messages.error(request, "Seule une entrée en vigueur peut faire l'objet d'une attestation.")
        return redirect("holder:entry", kind, record.public_id)
    issued = documents.request_document(
        request.user.person,
        kind=DocumentKind.ENTRY,
        records=[record],
        title=f"Attestation — {record.kind_label}",
        actor=Actor.for_user(request.user),
    )
    return redirect("holder:document", issued.public_id)
