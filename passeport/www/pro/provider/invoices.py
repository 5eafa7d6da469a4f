"""The provider's invoices and payments: invoicing files « À facturer » (one, or a
selection from the list), the invoices with their state and payments received, a total
per month (chart + table), and each invoice's PDF for the provider's members only."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from passeport.catalog import billing, invoice_pdf
from passeport.catalog.enums import BillingState
from passeport.catalog.models import Invoice, TrainingFile
from passeport.cpf.rules import euros

from .common import actor_of, provider_of

PAGE = 50
MONTHS = 12
CHART_HEIGHT = 120
MAX_SELECTION = 200


@require_POST
def invoice_files(request, public_id):
    """Invoices the selected files (`dossiers`: their public ids), at most 200 at once."""
    provider = provider_of(request, public_id)
    ids = request.POST.getlist("dossiers")[:MAX_SELECTION]
    back = request.POST.get("retour", "")
    selected = TrainingFile.objects.filter(provider=provider, public_id__in=_uuids(ids))
    if not ids or not selected.exists():
        messages.error(request, "Sélectionnez au moins un dossier à facturer.")
    else:
        outcome = billing.invoice_many(
            selected.order_by("pk"), actor=actor_of(request.user, provider)
        )
        if outcome.invoiced:
            numbers = ", ".join(invoice.number for invoice in outcome.invoiced[:5])
            more = "…" if len(outcome.invoiced) > 5 else ""
            messages.success(
                request, f"{len(outcome.invoiced)} facture(s) émise(s) : {numbers}{more}."
            )
        for error in outcome.errors[:10]:
            messages.error(request, error)
    if back == "dossier" and len(ids) == 1 and selected.exists():
        return redirect("pro:catalog_file", provider.public_id, selected.get().public_id)
    return redirect("pro:catalog_invoices", provider.public_id)


def _uuids(values):
    valid = []
    for value in values:
        try:
            valid.append(uuid.UUID(value))
        except (ValueError, TypeError, AttributeError):
            continue
    return valid


def _months(provider):
    rows = list(
        Invoice.objects.filter(provider=provider)
        .annotate(month=TruncMonth("issued_at"))
        .values("month")
        .annotate(count=Count("pk"), amount=Sum("amount_cents"))
        .order_by("-month")[:MONTHS]
    )
    rows.reverse()
    received = {
        (row["month"].year, row["month"].month): row["amount"] or 0
        for row in Invoice.objects.filter(provider=provider, paid_on__isnull=False)
        .annotate(month=TruncMonth("paid_on"))
        .values("month")
        .annotate(amount=Sum("amount_cents"))
        .order_by()
    }
    top = max((row["amount"] or 0 for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        amount = row["amount"] or 0
        height = round(CHART_HEIGHT * amount / top)
        month = row["month"]
        bars.append(
            {
                "label": f"{month:%m/%Y}",
                "count": row["count"],
                "amount": euros(amount),
                "received": euros(received.get((month.year, month.month), 0)),
                "height": height,
                "x": 10 + index * 40,
                "y": CHART_HEIGHT + 10 - height,
            }
        )
    return bars


@require_GET
def invoice_list(request, public_id):
    provider = provider_of(request, public_id)
    queryset = Invoice.objects.filter(provider=provider).select_related(
        "file__session__action__training"
    )
    page = Paginator(queryset.order_by("-issued_at", "-pk"), PAGE).get_page(request.GET.get("page"))
    totals = queryset.aggregate(
        billed=Sum("amount_cents"),
        count=Count("pk"),
        paid=Sum("amount_cents", filter=Q(paid_on__isnull=False)),
    )
    to_bill = TrainingFile.objects.filter(provider=provider, billing=BillingState.TO_BILL).count()
    bars = _months(provider)
    return render(
        request,
        "pro/catalog/invoices.html",
        {
            "organisation": provider,
            "page": page,
            "rows": [
                {
                    "invoice": invoice,
                    "amount": euros(invoice.amount_cents),
                    "training": invoice.file.session.action.training.title,
                }
                for invoice in page.object_list
            ],
            "billed": euros(totals["billed"] or 0),
            "received": euros(totals["paid"] or 0),
            "count": totals["count"],
            "to_bill": to_bill,
            "bars": bars,
            "width": 20 + 40 * len(bars),
            "chart_height": CHART_HEIGHT + 30,
        },
    )


@require_GET
def invoice_download(request, public_id, invoice_id):
    provider = provider_of(request, public_id)
    invoice = get_object_or_404(
        Invoice.objects.select_related("provider", "file__person", "file__session__action"),
        public_id=invoice_id,
        provider=provider,
    )
    content = invoice_pdf.pdf_bytes(invoice)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.filename()}"'
    response["Cache-Control"] = "private, no-store"
    return response
