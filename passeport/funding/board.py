"""The funder's board: commitments, consumption and what remains, per rule and per credit
order, month by month; the trainings funded by certification and by provider. Aggregates
only: no holder appears here."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from passeport.cpf import history
from passeport.cpf.rules import euros

from .enums import CommitmentStatus, LineStatus
from .models import Commitment, CreditLine, CreditOrder, Envelope, Rule


@dataclass
class Board:
    months: list[dict]
    chart: dict
    rules: list[dict]
    envelopes: list[dict]
    orders: list[dict]
    by_certification: list[dict]
    by_provider: list[dict]


def _month(value) -> str:
    return f"{value:%Y-%m}" if value else ""


def board_of(funder) -> Board:
    commitments = Commitment.objects.filter(rule__funder=funder)
    months: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        commitments.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(total=Sum("amount_cents"))
        .order_by("month")
    ):
        months[_month(row["month"])]["committed"] += row["total"] or 0
    for row in (
        commitments.filter(status=CommitmentStatus.SETTLED)
        .annotate(month=TruncMonth("closed_at"))
        .values("month")
        .annotate(total=Sum("consumed_cents"))
        .order_by("month")
    ):
        months[_month(row["month"])]["consumed"] += row["total"] or 0
    lines = CreditLine.objects.filter(order__funder=funder)
    for row in (
        lines.exclude(credited_at=None)
        .annotate(month=TruncMonth("credited_at"))
        .values("month")
        .annotate(total=Sum("amount_cents"))
        .order_by("month")
    ):
        months[_month(row["month"])]["credited"] += row["total"] or 0
    month_rows = [
        {
            "year": month,  # the chart's label
            "committed": values["committed"],
            "consumed": values["consumed"],
            "credited": values["credited"],
            "euros": values["committed"] + values["credited"],
            "euros_text": euros(values["committed"] + values["credited"]),
            "committed_text": euros(values["committed"]),
            "consumed_text": euros(values["consumed"]),
            "credited_text": euros(values["credited"]),
        }
        for month, values in sorted(months.items())
    ]
    per_rule = {
        row["rule_id"]: row
        for row in commitments.values("rule_id")
        .annotate(
            committed=Sum("amount_cents", filter=Q(status=CommitmentStatus.COMMITTED)),
            consumed=Sum("consumed_cents", filter=Q(status=CommitmentStatus.SETTLED)),
            files=Count("pk"),
        )
        .order_by()
    }
    rules = [
        {
            "name": rule.name,
            "status": rule.get_status_display(),
            "envelope": rule.envelope.name,
            "files": per_rule.get(rule.pk, {}).get("files", 0),
            "committed": euros(per_rule.get(rule.pk, {}).get("committed") or 0),
            "consumed": euros(per_rule.get(rule.pk, {}).get("consumed") or 0),
        }
        for rule in Rule.objects.filter(funder=funder).select_related("envelope").order_by("name")
    ]
    envelopes = [
        {
            "name": e.name,
            "budget": euros(e.budget_cents),
            "committed": euros(e.committed_cents),
            "consumed": euros(e.consumed_cents),
            "remaining": euros(e.remaining_cents),
        }
        for e in Envelope.objects.filter(funder=funder).order_by("name")
    ]
    per_order = {
        row["order_id"]: row
        for row in lines.values("order_id")
        .annotate(
            credited=Sum("amount_cents", filter=~Q(status=LineStatus.PENDING)),
            returned=Sum("returned_cents"),
        )
        .order_by()
    }
    orders = [
        {
            "external_id": order.external_id,
            "kind": order.get_kind_display(),
            "status": order.get_status_display(),
            "lines": order.line_count,
            "total": euros(order.total_cents),
            "credited": euros(per_order.get(order.pk, {}).get("credited") or 0),
            "returned": euros(per_order.get(order.pk, {}).get("returned") or 0),
        }
        for order in CreditOrder.objects.filter(funder=funder).order_by("-created_at", "-pk")[:500]
    ]
    live = commitments.exclude(status=CommitmentStatus.RELEASED)

    def grouped(field: str) -> list[dict]:
        rows = (
            live.values(field)
            .annotate(files=Count("pk"), total=Sum("amount_cents"))
            .order_by("-files", field)[:50]
        )
        return [
            {"code": row[field] or "—", "files": row["files"], "total": euros(row["total"] or 0)}
            for row in rows
        ]

    return Board(
        months=month_rows,
        chart=history.chart(month_rows),
        rules=rules,
        envelopes=envelopes,
        orders=orders,
        by_certification=grouped("certification_code"),
        by_provider=grouped("provider_siret"),
    )


EXPORT_COLUMNS = ("mois", "engage_centimes", "consomme_centimes", "credite_centimes")


def export_rows(board: Board) -> list[list]:
    """Month by month, in integer cents (exact in any spreadsheet)."""
    return [
        [row["year"], row["committed"], row["consumed"], row["credited"]] for row in board.months
    ]
