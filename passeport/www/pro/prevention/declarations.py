"""The declarant's list of its prevention declarations (deadline, late, review counts,
filters) and a declaration's page (its trainees, their review state, the history)."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from passeport.prevention import lifecycle
from passeport.prevention.enums import (
    LineStatus,
    ReviewStatus,
)
from passeport.prevention.models import Declaration, DeclarationLine

from .access import PAGE_SIZE, declaration_of, journal_reads, line_row, managing_organisation
from .forms import DeclarationFilterForm


def _review_count(status, today):
    q = lifecycle.effective_review_q(status, today)
    # The same condition, through the relation.
    return Count("lines", filter=_through("lines", q), distinct=True)


def _through(prefix: str, q: Q) -> Q:
    """`q` (on DeclarationLine) rewritten for a query on Declaration via `prefix`."""
    clone = Q(*[], _connector=q.connector, _negated=q.negated)
    for child in q.children:
        if isinstance(child, Q):
            clone.children.append(_through(prefix, child))
        else:
            key, value = child
            clone.children.append((f"{prefix}__{key}", value))
    return clone


@require_GET
def declarations(request, public_id):
    organisation = managing_organisation(request, public_id)
    today = timezone.localdate()
    form = DeclarationFilterForm(request.GET or None, auto_id="filtre_%s")
    data = form.cleaned_data if form.is_valid() else {}
    queryset = Declaration.objects.filter(declarant=organisation).annotate(
        trainees=Count("lines", distinct=True),
        active_lines=Count("lines", filter=Q(lines__status=LineStatus.ACTIVE), distinct=True),
        late_lines=Count("lines", filter=Q(lines__late=True), distinct=True),
        pending=_review_count(ReviewStatus.PENDING, today),
        confirmed=_review_count(ReviewStatus.CONFIRMED, today),
        correction_requested=_review_count(ReviewStatus.CORRECTION_REQUESTED, today),
        deemed_verified=_review_count(ReviewStatus.DEEMED_VERIFIED, today),
    )
    if q := data.get("q"):
        queryset = queryset.filter(
            Q(title__icontains=q)
            | Q(jdr_name__icontains=q)
            | Q(declaration_id__icontains=q)
            | Q(reference__icontains=q)
        )
    if kind := data.get("type"):
        queryset = queryset.filter(kind=kind)
    if channel := data.get("canal"):
        queryset = queryset.filter(channel=channel)
    if deadline := data.get("delai"):
        queryset = queryset.filter(late=deadline == "late")
    if review := data.get("verification"):
        lines = DeclarationLine.objects.filter(
            lifecycle.effective_review_q(review, today), declarant=organisation
        )
        queryset = queryset.filter(pk__in=lines.values("declaration_id"))
    if state := data.get("etat"):
        active = DeclarationLine.objects.filter(
            declarant=organisation, status=LineStatus.ACTIVE
        ).values("declaration_id")
        queryset = (
            queryset.filter(pk__in=active) if state == "active" else queryset.exclude(pk__in=active)
        )
    page = Paginator(queryset.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pro/prevention/declarations.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "is_employer": organisation.is_employer,
        },
    )


@require_GET
def declaration(request, public_id, declaration_id):
    organisation = managing_organisation(request, public_id)
    declaration = declaration_of(organisation, declaration_id)
    today = timezone.localdate()
    lines = list(
        declaration.lines.select_related("person", "employer").order_by(
            "status", "partner_unique_id", "pk"
        )
    )
    corrections = lifecycle.correction_messages(lines)
    rows = [line_row(line, today, corrections) for line in lines]
    journal_reads(
        request,
        organisation,
        [line.person for line in lines],
        "Déclaration de formations de prévention",
    )
    line_names = {str(line.public_id): line.partner_unique_id for line in lines}
    events = lifecycle.history(lines=lines, declarations=[declaration])
    for item in events:
        item.line_name = line_names.get(item.line_id, "")
    active = sum(1 for line in lines if line.status == LineStatus.ACTIVE)
    return render(
        request,
        "pro/prevention/declarations_detail.html",
        {
            "organisation": organisation,
            "declaration": declaration,
            "rows": rows,
            "active": active,
            "history": events,
            "today": today,
            "reprise": lifecycle.is_reprise(declaration),
            "duplicates": lifecycle.provider_duplicates(declaration),
        },
    )
