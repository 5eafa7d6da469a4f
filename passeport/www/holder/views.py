"""The holder's space: the passport as a timeline, each entry's detail and history,
error reports, publication.

Nothing here takes a person identifier from the request: the person is always the
logged-in holder's own, and every record is looked up with `person=` that person, so
another holder's identifiers give a 404."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from passeport.catalog import search
from passeport.cpf import history as rights_history
from passeport.journal.actors import Actor
from passeport.records import corrections
from passeport.records import services as records
from passeport.records.enums import CONTRACT_NATURES, RecordStatus
from passeport.records.models import PreventionTraining
from passeport.records.timeline import (
    KINDS,
    Filters,
    entries,
    entry_for,
    get_entry,
    kind_of,
    source_label,
    timeline,
    versions,
)
from passeport.records.validity import ValidityState
from passeport.referentials.models import RomeSkill

from .access import holder_required
from .forms import CorrectionForm, TimelineFilterForm
from .offline import kept_offline

PAGE_SIZE = 20

# Fields shown under "Provenance" and "Historique" rather than with the content.
META_FIELDS = {
    "id",
    "public_id",
    "lineage",
    "version",
    "person",
    "source_kind",
    "declarant",
    "received_at",
    "source_reference",
    "assurance",
    "status",
    "status_changed_at",
    "status_reason",
    "publication",
    "published_at",
    "created_at",
    # Links to organisations whose names are kept in text fields alongside.
    "employer",
    "certifier",
    "provider",
    "details",
}


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


# Reads only: outside the request's transaction (on PostgreSQL, two round trips fewer; on
# SQLite, no write lock taken by ATOMIC_REQUESTS's BEGIN IMMEDIATE for a page that reads).
@transaction.non_atomic_requests
@require_GET
@holder_required
@kept_offline
def dashboard(request):
    person = request.user.person
    form = TimelineFilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else Filters()
    today = timezone.localdate()
    rows = timeline(person, filters, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # "Tout sélectionner" / "Tout désélectionner" are links (no script needed): the page
    # comes back with every box of the page ticked, or none.
    select_all = query.pop("selection", [""])[-1] == "toutes"
    here = request.GET.copy()
    here.pop("selection", None)
    context = {
        "person": person,
        "form": form,
        "page": page,
        "entries": entries(page.object_list, today),
        "count": len(rows),
        "filtered": filters != Filters(),
        "query": query.urlencode(),
        "here": here.urlencode(),
        "select_all": select_all,
        "current_url": request.get_full_path(),
        "oob_status": False,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "holder/_timeline.html", {**context, "oob_status": True})
    context["filter_fields"] = form.rendered_fields()
    context["rights_block"] = rights_history.block(person)
    return render(request, "holder/dashboard.html", context)


def _fields(record) -> list[tuple[str, str]]:
    """(label, value) of the record's content, for the detail page."""
    rows = []
    for field in record._meta.concrete_fields:
        if field.name in META_FIELDS:
            continue
        value = getattr(record, field.name)
        if value in (None, "", [], {}):
            continue
        if field.choices:
            value = getattr(record, f"get_{field.name}_display")()
        elif field.name == "contract_nature":
            value = f"{CONTRACT_NATURES.get(value, value)} ({value})"
        elif isinstance(value, bool):
            value = "Oui" if value else "Non"
        elif field.name == "rome_skills":
            labels = dict(RomeSkill.objects.filter(ogr__in=value).values_list("ogr", "label"))
            value = " ; ".join(f"{labels.get(ogr, '')} (code OGR {ogr})".strip() for ogr in value)
        elif isinstance(value, list):
            value = " ; ".join(
                " — ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
                for item in value
            )
        elif hasattr(value, "strftime"):
            value = value.strftime("%d/%m/%Y")
        rows.append((field.verbose_name[:1].upper() + field.verbose_name[1:], str(value)))
    for key, value in (getattr(record, "details", None) or {}).items():
        label = {"country": "Pays de délivrance", "category": "Catégorie"}.get(key, key)
        rows.append((label, str(value)))
    return rows


def _entry_or_404(request, kind, public_id):
    record = get_entry(request.user.person, kind, public_id)
    if record is None:
        raise Http404("Cette entrée n'existe pas dans votre passeport.")
    return record


def _entry_context(request, record, correction_form=None):
    today = timezone.localdate()
    kind = kind_of(record)
    current = record.status in (RecordStatus.ACTIVE, RecordStatus.EXPIRED)
    entry = entry_for(record, today)
    renewal = None
    if (
        isinstance(record, PreventionTraining)
        and current
        and entry.validity in (ValidityState.EXPIRING, ValidityState.EXPIRED)
    ):
        renewal = search.renewal_path(record.title, record.certification_code)
    return {
        "record": record,
        "entry": entry,
        "renewal_path": renewal,
        "kind": kind,
        "kind_label": record.kind_label,
        "fields": _fields(record),
        "source": source_label(record),
        "history": versions(record),
        "is_current": current,
        "can_edit": current and not record.is_guaranteed,
        "can_report": current and record.is_guaranteed,
        "correction_requests": list(corrections.requests_for(record)),
        "correction_form": correction_form or CorrectionForm(auto_id="signalement_%s"),
        "recipient": record.declarant.name if record.declarant_id else "la Caisse des Dépôts",
    }


@require_GET
@holder_required
def entry(request, kind, public_id):
    record = _entry_or_404(request, kind, public_id)
    return render(request, "holder/entry.html", _entry_context(request, record))


@require_POST
@holder_required
def report_error(request, kind, public_id):
    record = _entry_or_404(request, kind, public_id)
    form = CorrectionForm(request.POST, auto_id="signalement_%s")
    context = _entry_context(request, record, form)
    if not context["can_report"]:
        messages.error(request, "Seule une entrée garantie en vigueur peut être signalée.")
        return redirect("holder:entry", kind, record.public_id)
    if form.is_valid():
        try:
            corrections.request_correction(
                record, actor=Actor.for_user(request.user), message=form.cleaned_data["message"]
            )
        except corrections.CorrectionError as error:
            form.add_error("message", error.message)
        else:
            messages.success(request, f"Votre signalement a été transmis à {context['recipient']}.")
            return redirect("holder:entry", kind, record.public_id)
    return render(request, "holder/entry.html", context, status=400)


def _selected(person, values) -> list:
    """The holder's current records named by "kind:public_id" values (one query per kind)."""
    wanted: dict[str, list[uuid.UUID]] = {}
    for value in values:
        slug, _, raw = value.partition(":")
        try:
            identifier = uuid.UUID(raw)
        except ValueError:
            continue
        if slug in KINDS:
            wanted.setdefault(slug, []).append(identifier)
    found = []
    for slug, identifiers in wanted.items():
        found.extend(
            KINDS[slug]
            .model.objects.filter(person=person, public_id__in=identifiers[:500])
            .current()
            .order_by("pk")
        )
    return found


@require_POST
@holder_required
def publication(request):
    """Publishes or withdraws one entry (`toggle`) or the ticked ones (`entries` + `action`)."""
    person = request.user.person
    back = _safe_next(request, reverse("holder:dashboard"))
    actor = Actor.for_user(request.user)
    if toggle := request.POST.get("toggle"):
        chosen = _selected(person, [toggle])
        if not chosen:
            raise Http404
        published = not chosen[0].is_published
    else:
        chosen = _selected(person, request.POST.getlist("entries"))
        action = request.POST.get("action")
        if action not in ("publish", "withdraw"):
            messages.error(request, "Choisissez « Publier » ou « Rendre privé ».")
            return redirect(back)
        if not chosen:
            messages.warning(request, "Cochez au moins une entrée.")
            return redirect(back)
        published = action == "publish"
    try:
        changed = records.set_publication(chosen, published=published, actor=actor)
    except (records.RecordError, ValidationError) as error:
        messages.error(request, getattr(error, "message", str(error)))
        return redirect(back)
    n = len(changed)
    s = "s" if n > 1 else ""
    if not n:
        text = "Aucun changement."
    elif published:
        text = f"{n} entrée{s} publiée{s}."
    else:
        text = f"{n} entrée{s} rendue{s} privée{s}."
    messages.success(request, text)
    return redirect(back)
