"""The employer's follow-up board, as querysets: who its employees are, which of their
prevention trainings it may see (consent), the state of each, what each post lacks.

Everything the board counts is aggregated in SQL over all employees; only the page shown
becomes Python rows. The number of queries does not depend on the number of employees
(tests/followup/test_board_queries.py).

Employees of an organisation: the persons with a current DSN employment period at any
establishment of its company (same SIREN: the DSN names one organisation per
establishment SIRET), plus those its members added to their own list, minus those they
removed. What the board shows of each follows the person's consent to *this*
organisation (`consent.PreventionConsent`): all, the chosen lineages, or nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from passeport.consent.models import ConsentScope, PreventionConsent
from passeport.organisations.models import Organisation
from passeport.people.models import Person
from passeport.prevention import catalogue
from passeport.records.enums import RecordStatus
from passeport.records.models import EmploymentPeriod, PreventionTraining
from passeport.records.models.prevention import EXPIRING_SOON_DAYS

from .models import Post, PostAssignment, RosterEntry, RosterState

CURRENT = (RecordStatus.ACTIVE, RecordStatus.EXPIRED)
# Sorts a training without end of validity after every dated one.
NO_END = datetime.date(9999, 12, 31)


class Status:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"
    NO_CONSENT = "no_consent"

    LABELS = {
        VALID: "Valide",
        EXPIRING: "Expire bientôt",
        EXPIRED: "Expirée",
        MISSING: "Manquante",
        NO_CONSENT: "Consentement non donné",
    }
    # DSFR badge variants; the label always says the state (never the colour alone).
    BADGES = {
        VALID: "success",
        EXPIRING: "warning",
        EXPIRED: "error",
        MISSING: "info",
        NO_CONSENT: "new",
    }
    CHOICES = list(LABELS.items())


@dataclass
class Filters:
    family: str = ""
    status: str = ""
    post: Post | None = None

    @property
    def kind_codes(self) -> list[str] | None:
        return catalogue.codes_for_family(self.family) if self.family else None


@dataclass
class Board:
    """The querysets of one organisation's board on one day."""

    organisation: Organisation
    day: datetime.date
    filters: Filters = field(default_factory=Filters)

    def __post_init__(self):
        self.soon = self.day + datetime.timedelta(days=EXPIRING_SOON_DAYS)
        org = self.organisation
        establishments = Organisation.objects.filter(siren=org.siren).values("pk")
        dsn = (
            EmploymentPeriod.objects.filter(
                employer__in=establishments, status=RecordStatus.ACTIVE, start_date__lte=self.day
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=self.day))
            .values("person_id")
        )
        roster = RosterEntry.objects.filter(employer=org)
        self.employees = Person.objects.filter(
            Q(pk__in=dsn) | Q(pk__in=roster.filter(state=RosterState.ADDED).values("person_id"))
        ).exclude(pk__in=roster.filter(state=RosterState.REMOVED).values("person_id"))
        consents = PreventionConsent.objects.filter(employer=org)
        self.all_scope = consents.filter(scope=ConsentScope.ALL).values("person_id")
        self.part_scope = consents.filter(scope=ConsentScope.PART).values("person_id")
        self.consenting = consents.filter(scope__in=[ConsentScope.ALL, ConsentScope.PART])
        self._part_lineages: list[str] | None = None

    # --- What the employer may see -------------------------------------------------

    @property
    def part_lineages(self) -> list[str]:
        """The lineages chosen by holders who consented in part (one query, once)."""
        if self._part_lineages is None:
            chosen = PreventionConsent.objects.filter(
                employer=self.organisation, scope=ConsentScope.PART
            ).values_list("lineages", flat=True)
            self._part_lineages = sorted({value for values in chosen for value in values})
        return self._part_lineages

    def consent_q(self) -> Q:
        # The holder's form only offers their own trainings; person__in keeps a lineage
        # chosen by someone else from opening anything.
        return Q(person__in=self.all_scope) | Q(
            person__in=self.part_scope, lineage__in=self.part_lineages
        )

    def visible(self) -> QuerySet:
        """Every current prevention training of the employees that the employer may see."""
        return PreventionTraining.objects.filter(
            self.consent_q(), status__in=CURRENT, person__in=self.employees
        )

    def latest(self) -> QuerySet:
        """For each employee and catalogue kind, the visible training that lasts longest
        (a renewal hides the training it renews); unclassified trainings all count.
        Annotated with `state` (valid / expiring / expired)."""
        horizon = Coalesce("valid_until", Value(NO_END, output_field=DateField()))
        newer = (
            PreventionTraining.objects.filter(
                self.consent_q(),
                status__in=CURRENT,
                person_id=OuterRef("person_id"),
                training_kind=OuterRef("training_kind"),
            )
            .exclude(training_kind="")
            .annotate(horizon=horizon)
            .filter(
                Q(horizon__gt=OuterRef("horizon"))
                | Q(horizon=OuterRef("horizon"), pk__gt=OuterRef("pk"))
            )
        )
        queryset = (
            self.visible()
            .annotate(horizon=horizon)
            .exclude(Exists(newer))
            .annotate(
                state=Case(
                    When(valid_until__lt=self.day, then=Value(Status.EXPIRED)),
                    When(valid_until__lte=self.soon, then=Value(Status.EXPIRING)),
                    default=Value(Status.VALID),
                    output_field=CharField(),
                )
            )
        )
        codes = self.filters.kind_codes
        if codes is not None:
            queryset = queryset.filter(training_kind__in=codes)
        return queryset

    # --- Posts and what they lack --------------------------------------------------

    def posts(self) -> list[Post]:
        if not hasattr(self, "_posts"):
            self._posts = list(Post.objects.filter(employer=self.organisation).order_by("name"))
        return self._posts

    def requirements(self) -> list[tuple[Post, str]]:
        """(post, kind) pairs, restricted to the risk family filter."""
        codes = self.filters.kind_codes
        return [
            (post, kind)
            for post in self.posts()
            for kind in post.required_kinds
            if codes is None or kind in codes
        ]

    def _lacks(self, post: Post, kind: str) -> Q:
        """An employee (the outer Person) who holds `post` and whose visible trainings
        have none of `kind`. Only for consenting employees: of the others nothing is
        known."""
        holds = PostAssignment.objects.filter(post=post, person=OuterRef("pk"))
        has = PreventionTraining.objects.filter(
            self.consent_q(), status__in=CURRENT, person=OuterRef("pk"), training_kind=kind
        )
        return Q(Exists(holds)) & ~Q(Exists(has)) & Q(pk__in=self.consenting.values("person_id"))

    def missing_counts(self) -> dict[tuple[int, str], int]:
        """How many employees of each post lack each required kind (one query)."""
        pairs = self.requirements()
        if not pairs:
            return {}
        aggregates = {
            f"m{index}": Count("pk", filter=self._lacks(post, kind))
            for index, (post, kind) in enumerate(pairs)
        }
        aggregates["assigned"] = Count("pk")  # keeps the query valid with no pairs
        values = self.employees.aggregate(**aggregates)
        return {(post.pk, kind): values[f"m{i}"] for i, (post, kind) in enumerate(pairs)}

    # --- The filtered list of employees --------------------------------------------

    def filtered_employees(self) -> QuerySet:
        employees = self.employees
        status, post = self.filters.status, self.filters.post
        if post is not None:
            employees = employees.filter(
                Exists(PostAssignment.objects.filter(post=post, person=OuterRef("pk")))
            )
        if status == Status.NO_CONSENT:
            employees = employees.exclude(pk__in=self.consenting.values("person_id"))
        elif status == Status.MISSING:
            lacks = Q(pk__in=[])
            for required_post, kind in self.requirements():
                if post is None or required_post == post:
                    lacks |= self._lacks(required_post, kind)
            employees = employees.filter(lacks)
        elif status:
            employees = employees.filter(
                Exists(self.latest().filter(person=OuterRef("pk"), state=status))
            )
        elif self.filters.family:
            # A risk family alone: employees with a training of that family or lacking one.
            lacks = Q(pk__in=[])
            for required_post, kind in self.requirements():
                lacks |= self._lacks(required_post, kind)
            employees = employees.filter(
                Q(Exists(self.latest().filter(person=OuterRef("pk")))) | lacks
            )
        return employees.annotate(
            consent_scope=Subquery(
                PreventionConsent.objects.filter(
                    employer=self.organisation, person=OuterRef("pk")
                ).values("scope")[:1]
            )
        ).order_by("birth_name", "first_names", "pk")

    # --- Aggregates over all employees ---------------------------------------------

    def counters(self) -> dict[str, int]:
        """Trainings by state, missing (employee, kind) pairs, employees with and without
        consent: two queries, whatever the number of employees."""
        counts = dict.fromkeys((Status.VALID, Status.EXPIRING, Status.EXPIRED), 0)
        for row in self.latest().order_by().values("state").annotate(n=Count("pk")):
            counts[row["state"]] = row["n"]
        totals = self.employees.aggregate(
            employees=Count("pk"),
            consenting=Count("pk", filter=Q(pk__in=self.consenting.values("person_id"))),
        )
        counts["employees"] = totals["employees"]
        counts[Status.NO_CONSENT] = totals["employees"] - totals["consenting"]
        return counts

    def expiries_by_month(self, months: int = 12) -> list[tuple[datetime.date, int]]:
        """(first day of month, trainings whose validity ends that month) from today to
        the end of the 12th month; a renewed training is not due, one already expired is
        not counted again."""
        first = self.day.replace(day=1)
        starts = [_add_months(first, n) for n in range(months + 1)]
        rows = (
            self.latest()
            .filter(valid_until__gte=self.day, valid_until__lt=starts[-1])
            .annotate(month=TruncMonth("valid_until"))
            .order_by()
            .values("month")
            .annotate(n=Count("pk"))
        )
        by_month = {_as_date(row["month"]): row["n"] for row in rows}
        return [(start, by_month.get(start, 0)) for start in starts[:-1]]


def _add_months(day: datetime.date, months: int) -> datetime.date:
    return catalogue.add_months(day, months)


def _as_date(value) -> datetime.date:
    # TruncMonth of a DateField is a date on both backends; a datetime on some drivers.
    return value.date() if isinstance(value, datetime.datetime) else value


# --- Rows of the page shown ---------------------------------------------------------


@dataclass
class TrainingRow:
    public_id: str
    title: str
    kind: catalogue.TrainingKind | None
    valid_from: datetime.date
    valid_until: datetime.date | None
    state: str

    @property
    def state_label(self) -> str:
        return Status.LABELS[self.state]

    @property
    def badge(self) -> str:
        return Status.BADGES[self.state]

    @property
    def kind_label(self) -> str:
        return self.kind.label if self.kind else "Non classée"

    @property
    def families(self) -> str:
        return ", ".join(self.kind.risk_family_labels) if self.kind else ""


@dataclass
class EmployeeRow:
    person: Person
    consented: bool
    trainings: list[TrainingRow] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    missing: list[catalogue.TrainingKind | str] = field(default_factory=list)

    @property
    def missing_labels(self) -> list[str]:
        return [kind.label if hasattr(kind, "label") else kind for kind in self.missing]


TRAINING_COLUMNS = (
    "person_id",
    "public_id",
    "title",
    "training_kind",
    "valid_from",
    "valid_until",
    "state",
)


def employee_rows(board: Board, people: list[Person]) -> list[EmployeeRow]:
    """The rows of `people` (a page): their latest visible trainings and what their
    posts lack, in two queries."""
    ids = [person.pk for person in people]
    by_person: dict[int, list[TrainingRow]] = {pk: [] for pk in ids}
    latest = board.latest().filter(person__in=ids).order_by("person_id", "horizon", "pk")
    for person_id, public_id, title, kind, valid_from, valid_until, state in latest.values_list(
        *TRAINING_COLUMNS
    ):
        by_person[person_id].append(
            TrainingRow(
                str(public_id), title, catalogue.by_code(kind), valid_from, valid_until, state
            )
        )
    posts = {post.pk: post for post in board.posts()}
    assignments: dict[int, list[Post]] = {pk: [] for pk in ids}
    if posts:
        for person_id, post_id in (
            PostAssignment.objects.filter(post__in=list(posts), person__in=ids)
            .order_by("post__name", "pk")
            .values_list("person_id", "post_id")
        ):
            assignments[person_id].append(posts[post_id])
    codes = board.filters.kind_codes
    rows = []
    for person in people:
        consented = person.consent_scope in (ConsentScope.ALL, ConsentScope.PART)
        trainings = by_person[person.pk] if consented else []
        row = EmployeeRow(person, consented, trainings, assignments[person.pk])
        if consented:
            held = {t.kind.code for t in trainings if t.kind}
            wanted = []
            for post in row.posts:
                for code in post.required_kinds:
                    if code not in held and code not in wanted and (codes is None or code in codes):
                        wanted.append(code)
            row.missing = [catalogue.by_code(code) or code for code in wanted]
        rows.append(row)
    return rows


def training_rows_for_export(board: Board) -> dict[int, list[tuple]]:
    """Every employee's latest visible trainings (the export), one query."""
    rows: dict[int, list[tuple]] = {}
    for values in (
        board.latest().order_by("person_id", "horizon", "pk").values_list(*TRAINING_COLUMNS)
    ):
        rows.setdefault(values[0], []).append(values[1:])
    return rows
