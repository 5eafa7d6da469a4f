"""The funder's board (aggregates, no holder) and its exports, CSV and XLSX."""

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from passeport.funding.board import EXPORT_COLUMNS, board_of, export_rows

from .access import funder_of


@require_GET
def board(request, public_id):
    funder = funder_of(request, public_id)
    return render(
        request, "pro/funder/board.html", {"organisation": funder, "board": board_of(funder)}
    )


@require_GET
def board_export(request, public_id, fmt):
    funder = funder_of(request, public_id)
    rows = export_rows(board_of(funder))
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Tableau de bord")
        sheet.append(list(EXPORT_COLUMNS))
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="tableau-de-bord.{fmt}"'
    return response
