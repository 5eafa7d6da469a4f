"""The employer's follow-up of its employees' prevention trainings: the board (filters,
counters, chart of expiries, pagination), its CSV and XLSX exports, one employee's
trainings, the organisation's own list of employees and its posts.

Members of the organisation only (any role); the organisation must be an employer. Each
view that shows trainings journals a read of each person whose trainings it shows, so
every holder finds it in their access log. No NIR is ever shown back: a person is named
by first name, name and birth year.
"""

import csv
import datetime
import io
import tempfile

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from dsfr.forms import DsfrBaseForm

from passeport.core.replicas import replica_reads
from passeport.followup import board as followup
from passeport.followup.models import (
    Notification,
    Post,
    PostAssignment,
    RosterEntry,
    RosterState,
)
from passeport.identity.permissions import can_view_organisation
from passeport.journal import services as journal
from passeport.journal.actors import Actor
from passeport.organisations.models import Organisation
from passeport.people.matching import MatchError, match_by_nir
from passeport.people.models import Person
from passeport.prevention import catalogue

PAGE_SIZE = 50


def _employer(request, public_id) -> Organisation:
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not can_view_organisation(request.user, organisation) or not organisation.is_employer:
        raise PermissionDenied
    return organisation


def _journal_reads(request, organisation, people, what: str) -> None:
    """One access-log entry per person whose trainings were shown, in one append."""
    actor = Actor.for_user(request.user)
    label = f"{what} ({organisation.name}, SIRET {organisation.siret})"
    journal.append(
        journal.Event(
            actor,
            "person.read",
            "people.Person",
            str(person.public_id),
            person.pk,
            payload={"what": label},
        )
        for person in people
    )


class FilterForm(DsfrBaseForm):
    famille = forms.ChoiceField(
        label="Famille de risques",
        required=False,
        choices=[("", "Toutes"), *list(catalogue.RiskFamily.choices)],
    )
    etat = forms.ChoiceField(
        label="État", required=False, choices=[("", "Tous"), *followup.Status.CHOICES]
    )
    poste = forms.ChoiceField(label="Poste", required=False)

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.posts = {str(post.public_id): post for post in posts}
        self.fields["poste"].choices = [("", "Tous")] + [
            (key, post.name) for key, post in self.posts.items()
        ]
        if not self.posts:
            del self.fields["poste"]

    def filters(self) -> followup.Filters:
        if not self.is_valid():
            return followup.Filters()
        data = self.cleaned_data
        return followup.Filters(data["famille"], data["etat"], self.posts.get(data.get("poste")))


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
    organisation = _employer(request, public_id)
    board, form = _board(request, organisation)
    # The board's reads tolerate a replica's lag (the export reads the primary: its journal
    # entry names exactly the persons exported).
    with replica_reads():
        page = Paginator(board.listing(), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = followup.employee_rows(board, list(page))
        counters = board.counters()
        months = board.expiries_by_month()
        missing = board.missing_counts()
    _journal_reads(
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
    organisation = _employer(request, public_id)
    board, _form = _board(request, organisation)
    # Read here, in the request's transaction, so that the journal names exactly the
    # persons exported; only the writing of the file is streamed.
    rows = followup.employee_rows(board, board.people(), page=False)
    _journal_reads(
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


class AssignForm(DsfrBaseForm):
    poste = forms.ChoiceField(label="Affecter à un poste")

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.posts = {str(post.public_id): post for post in posts}
        self.fields["poste"].choices = [(key, post.name) for key, post in self.posts.items()]


def _employee(board, person_public_id) -> Person:
    person = board.employee(person_public_id) if person_public_id else None
    if person is None:
        raise Http404("Cette personne ne figure pas parmi vos salariés.")
    return person


@require_http_methods(["GET", "POST"])
def employee(request, public_id, person_id):
    organisation = _employer(request, public_id)
    board = followup.Board(organisation, timezone.localdate())
    person = _employee(board, person_id)
    posts = board.posts()
    form = AssignForm(posts=posts)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "retirer":
            RosterEntry.objects.update_or_create(
                employer=organisation,
                person=person,
                defaults={"state": RosterState.REMOVED, "changed_by": request.user},
            )
            messages.success(request, f"{person.display_name} ne figure plus dans le suivi.")
            return redirect("pro:followup_board", organisation.public_id)
        if action == "affecter":
            form = AssignForm(request.POST, posts=posts)
            if form.is_valid():
                PostAssignment.objects.get_or_create(
                    post=form.posts[form.cleaned_data["poste"]], person=person
                )
                messages.success(request, "Affectation enregistrée.")
                return redirect("pro:followup_employee", organisation.public_id, person.public_id)
        elif action == "desaffecter":
            PostAssignment.objects.filter(
                post__employer=organisation,
                post__public_id=request.POST.get("poste"),
                person=person,
            ).delete()
            messages.success(request, "Affectation retirée.")
            return redirect("pro:followup_employee", organisation.public_id, person.public_id)
    consented = person.consent_scope in ("all", "part")
    trainings = []
    if consented:
        today = board.day
        for training in board.visible_trainings(person).order_by("valid_until", "pk"):
            trainings.append(
                {
                    "record": training,
                    "kind": catalogue.by_code(training.training_kind),
                    "validity": (validity := training.validity(today)),
                    "entry": {"validity": validity.state, "validity_label": validity.label},
                }
            )
        _journal_reads(request, organisation, [person], "Formations de prévention d'un salarié")
    row = followup.employee_rows(board, [person])[0]
    return render(
        request,
        "pro/followup/employee.html",
        {
            "organisation": organisation,
            "person": person,
            "consented": consented,
            "trainings": trainings,
            "row": row,
            "form": form,
            "has_posts": bool(posts),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


class NotEchoedInput(forms.TextInput):
    """A text input that never renders its value back: a page answering a wrong NIR must
    not show the NIR (the person types it again)."""

    def format_value(self, value):
        return None


class RosterForm(DsfrBaseForm):
    nir = forms.CharField(
        label="Numéro de sécurité sociale (NIR)",
        help_text="13 ou 15 caractères, sans espaces. Il n'est ni affiché ni conservé ici.",
        max_length=21,
        widget=NotEchoedInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    birth_name = forms.CharField(label="Nom de naissance", max_length=80)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["person"] = match_by_nir(data["nir"], data["birth_name"])
        except MatchError as error:
            field = "birth_name" if error.code == "birth_name_mismatch" else "nir"
            self.add_error(field, error.message)
        return data


@require_http_methods(["GET", "POST"])
def roster(request, public_id):
    organisation = _employer(request, public_id)
    form = RosterForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "retablir":
            entry = get_object_or_404(
                RosterEntry, employer=organisation, public_id=request.POST.get("entree")
            )
            entry.delete()  # back to what the DSN says
            messages.success(request, "La personne est rétablie selon les déclarations DSN.")
            return redirect("pro:followup_roster", organisation.public_id)
        if form.is_valid():
            person = form.cleaned_data["person"]
            RosterEntry.objects.update_or_create(
                employer=organisation,
                person=person,
                defaults={"state": RosterState.ADDED, "changed_by": request.user},
            )
            messages.success(request, f"{person.display_name} est ajouté·e au suivi.")
            return redirect("pro:followup_roster", organisation.public_id)
    entries = list(
        RosterEntry.objects.filter(employer=organisation)
        .select_related("person")
        .order_by("state", "person__birth_name", "pk")
    )
    return render(
        request,
        "pro/followup/roster.html",
        {"organisation": organisation, "form": form, "entries": entries},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


class PostForm(DsfrBaseForm):
    name = forms.CharField(label="Intitulé du poste", max_length=150)
    required_kinds = forms.MultipleChoiceField(
        label="Formations exigées",
        choices=catalogue.CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )


@require_http_methods(["GET", "POST"])
def posts(request, public_id):
    organisation = _employer(request, public_id)
    form = PostForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "supprimer":
            get_object_or_404(
                Post, employer=organisation, public_id=request.POST.get("poste")
            ).delete()
            messages.success(request, "Poste supprimé.")
            return redirect("pro:followup_posts", organisation.public_id)
        if form.is_valid():
            try:
                with transaction.atomic():
                    Post.objects.create(
                        employer=organisation,
                        name=form.cleaned_data["name"],
                        required_kinds=form.cleaned_data["required_kinds"],
                    )
            except IntegrityError:
                form.add_error("name", "Un poste porte déjà ce nom.")
            else:
                messages.success(request, "Poste créé.")
                return redirect("pro:followup_posts", organisation.public_id)
    return render(
        request,
        "pro/followup/posts.html",
        {
            "organisation": organisation,
            "form": form,
            "posts": Post.objects.filter(employer=organisation).order_by("name"),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_POST
def mark_read(request, public_id):
    organisation = _employer(request, public_id)
    Notification.objects.filter(
        user=request.user, reminder__employer=organisation, read_at__isnull=True
    ).update(read_at=timezone.now())
    return redirect("pro:followup_board", organisation.public_id)
