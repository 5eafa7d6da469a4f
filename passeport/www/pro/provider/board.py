"""The provider's board: files accepted per month (count and amount), as a bar chart
with its table, and the count of files per state."""

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.views.decorators.http import require_GET

from passeport.catalog.enums import FileState
from passeport.catalog.models import FileTransition, TrainingFile
from passeport.cpf.rules import euros

from .common import provider_of

MONTHS = 12
CHART_HEIGHT = 120


@require_GET
def board(request, public_id):
    provider = provider_of(request, public_id)
    rows = list(
        FileTransition.objects.filter(file__provider=provider, to_state=FileState.ACCEPTED)
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(count=Count("pk"), amount=Sum("file__price_cents"))
        .order_by("-month")[:MONTHS]
    )
    rows.reverse()
    top = max((row["amount"] or 0 for row in rows), default=0) or 1
    bars = [
        {
            "label": f"{row['month']:%m/%Y}",
            "count": row["count"],
            "amount": euros(row["amount"] or 0),
            "height": round(CHART_HEIGHT * (row["amount"] or 0) / top),
            "x": 10 + index * 40,
        }
        for index, row in enumerate(rows)
    ]
    for bar in bars:
        bar["y"] = CHART_HEIGHT + 10 - bar["height"]
    states = {
        row["state"]: row["n"]
        for row in TrainingFile.objects.filter(provider=provider)
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return render(
        request,
        "pro/catalog/board.html",
        {
            "organisation": provider,
            "bars": bars,
            "width": 20 + 40 * len(bars),
            "chart_height": CHART_HEIGHT + 30,
            "states": [(FileState(s).label, n) for s, n in states.items()],
        },
    )
