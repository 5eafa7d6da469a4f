"""The follow-up board (filters, counters, chart of expiries, pagination) and its CSV
and XLSX exports."""

import csv
import datetime
import io
import tempfile

from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from passeport.core.replicas import replica_reads
from passeport.followup import board as followup
from passeport.followup.models import (
    Notification,
)
from passeport.followup.rows import employee_rows
from passeport.prevention import catalogue

from .access import employer_of, journal_reads
from .forms import FilterForm

PAGE_SIZE = 50


def _board(request, organisation):
    board = followup.Board(organisation, timezone.localdate())
    form = FilterForm(request.GET or None, posts=board.posts())
    board.filters = form.filters()
    return board, form


def _query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# Reads, then one journal append (atomic on its own): outside the request's transaction.
@transaction.non_atomic_requests
@require_GET
def board(request, public_id):
    organisation = employer_of(request, public_id)
    board, form = _board(request, organisation)
    # The board's reads tolerate a replica's lag (the export reads the primary: its journal
    # entry names exactly the persons exported).
    with replica_reads():
        page = Paginator(board.listing(), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = employee_rows(board, list(page))
        counters = board.counters()
        months = board.expiries_by_month()
        missing = board.missing_counts()
    journal_reads(
        request,
        organisation,
        [row.person for row in rows if row.consented],
        "Tableau de suivi des formations de prévention",
    )
    notifications = list(
        Notification.objects.filter(
            user=request.user, reminder__employer=organisation, read_at__isnull=True
        )
        .select_related("reminder")
        .order_by("-created_at", "-pk")[:10]
    )
    return render(
        request,
        "pro/followup/board.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "rows": rows,
            "query": _query_string(request),
            "counters": counters,
            "chart": _chart(months),
            "coverage": board.family_coverage(),
            "posts": [
                {
                    "post": post,
                    "lacks": [
                        (catalogue.by_code(kind), missing.get((post.pk, kind), 0))
                        for kind in post.required_kinds
                        if (post.pk, kind) in missing
                    ],
                }
                for post in board.posts()
            ],
            "notifications": notifications,
            "soon_days": followup.EXPIRING_SOON_DAYS,
        },
    )


MONTHS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]
CHART_HEIGHT = 160
BAR_WIDTH = 36
BAR_GAP = 12
PHONE_ROW, PHONE_LABEL, PHONE_BAR = 26, 84, 200


def _chart(months: list[tuple[datetime.date, int]]) -> dict:
    """Bars of an SVG drawn by the template: coordinates computed here (no script, no
    inline style; the data table below it carries the same figures)."""
    top = max((count for _month, count in months), default=0) or 1
    bars = []
    for index, (month, count) in enumerate(months):
        height = round(CHART_HEIGHT * count / top)
        x = 40 + index * (BAR_WIDTH + BAR_GAP)
        bars.append(
            {
                "label": f"{MONTHS[month.month - 1]} {month.year}",
                "short": MONTHS[month.month - 1],
                "count": count,
                "x": x,
                "y": 20 + CHART_HEIGHT - height,
                "height": height,
                "text_x": x + BAR_WIDTH // 2,
                "text_y": 20 + CHART_HEIGHT - height - 4,
            }
        )
    # The same figures as horizontal bars, one line per month: what a phone shows (the
    # vertical chart, scaled to 360 px, would have 7 px labels).
    rows = [
        {
            **bar,
            "row_y": index * PHONE_ROW,
            "line_y": index * PHONE_ROW + 17,
            "width": round(PHONE_BAR * bar["count"] / top),
            "count_x": PHONE_LABEL + round(PHONE_BAR * bar["count"] / top) + 6,
        }
        for index, bar in enumerate(bars)
    ]
    return {
        "bars": bars,
        "rows": rows,
        "phone_height": len(rows) * PHONE_ROW,
        "phone_label": PHONE_LABEL,
        "width": 40 + len(months) * (BAR_WIDTH + BAR_GAP),
        "height": CHART_HEIGHT + 60,
        "bar_width": BAR_WIDTH,
        "axis_y": 20 + CHART_HEIGHT,
        "label_y": 20 + CHART_HEIGHT + 18,
        "year_y": 20 + CHART_HEIGHT + 34,
        "total": sum(count for _month, count in months),
        "top": top,
    }


EXPORT_HEADER = [
    "Nom",
    "Prénoms",
    "Année de naissance",
    "Consentement",
    "Postes",
    "Formation",
    "Type (catalogue)",
    "Familles de risques",
    "Début de validité",
    "Fin de validité",
    "État",
]


def _export_lines(rows):
    """The export's lines, one per (employee, training), gap or lack of consent."""
    for row in rows:
        person = row.person
        identity = [person.usage_name or person.birth_name, person.first_names, person.birth_year]
        posts = ", ".join(post.name for post in row.posts)
        if not row.consented:
            yield [*identity, "non", posts, "", "", "", None, None, "Consentement non donné"]
            continue
        for training in row.trainings:
            yield [
                *identity,
                "oui",
                posts,
                training.title,
                training.kind_label,
                training.families,
                training.valid_from,
                training.valid_until,
                training.state_label,
            ]
        for kind in row.missing:
            label = kind.label if hasattr(kind, "label") else kind
            families = ", ".join(kind.risk_family_labels) if hasattr(kind, "label") else ""
            yield [*identity, "oui", posts, "", label, families, None, None, "Manquante"]
        if not row.trainings and not row.missing:
            yield [*identity, "oui", posts, "", "", "", None, None, "Aucune formation"]


CSV_CHUNK_LINES = 1000


def _csv_chunks(rows):
    """The CSV, a chunk of lines at a time (what StreamingHttpResponse sends as it goes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    # A BOM so that spreadsheet software reads the accents as UTF-8.
    buffer.write("\ufeff")
    writer.writerow(EXPORT_HEADER)
    for count, line in enumerate(_export_lines(rows), start=1):
        writer.writerow(
            [
                value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else value
                for value in line
            ]
        )
        if count % CSV_CHUNK_LINES == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _xlsx_file(rows):
    """The workbook in a temporary file (openpyxl's write-only mode keeps no cells in
    memory; the ZIP container is only complete once saved), sent by FileResponse in
    chunks."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Suivi prévention")
    header = []
    for title in EXPORT_HEADER:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    # Plain values: openpyxl's cell creation dominates large exports; dates get its
    # default date format.
    for line in _export_lines(rows):
        sheet.append(line)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(output)
    output.seek(0)
    return output


@require_GET
def export(request, public_id, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format d'export inconnu.")
    organisation = employer_of(request, public_id)
    board, _form = _board(request, organisation)
    # Read here, in the request's transaction, so that the journal names exactly the
    # persons exported; only the writing of the file is streamed.
    rows = employee_rows(board, board.people(), page=False)
    journal_reads(
        request,
        organisation,
        [row.person for row in rows if row.consented],
        f"Export {fmt.upper()} du suivi des formations de prévention",
    )
    stamp = timezone.localdate().isoformat()
    filename = f"suivi-prevention-{organisation.siret}-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_chunks(rows), content_type="text/csv; charset=utf-8")
    else:
        response = FileResponse(
            _xlsx_file(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
