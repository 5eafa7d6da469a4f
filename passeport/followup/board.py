# Only table names (from the models) and fixed fragments are formatted into the SQL below;
# every value is a query parameter.
# ruff: noqa: S608
"""The employer's follow-up board: who its employees are, which of their prevention
trainings it may see (consent), the state of each, what each post lacks.

Employees of an organisation: the persons with a current DSN employment period at any
establishment of its company (same SIREN: the DSN names one organisation per
establishment SIRET), plus those its members added to their own list, minus those they
removed. What the board shows of each follows the person's consent to *this*
organisation (`consent.PreventionConsent`): all, the chosen lineages, or nothing.

Why hand-written SQL: every figure of the board (counters, chart, gaps per post, size of
the filtered list) derives from the same few sets — the employees, those who consent,
the trainings visible to the employer, the latest of each kind. The ORM cannot name a
set once and reuse it (no common table expressions), so each aggregate used to rebuild
them through nested `IN`/`EXISTS` subqueries, and PostgreSQL scanned the whole person
table for each. Here they are common table expressions built once per statement
(`Board._with`): all figures come from one statement, the page from two more (persons,
then their trainings), whatever the number of employees
(tests/followup/test_followup_board.py counts them). The SQL is standard (CTEs, window
functions, `UNION`/`EXCEPT`) and runs on PostgreSQL and SQLite alike; only "is this
lineage among the chosen ones" reads the JSON column with each backend's functions.

One module on purpose, though longer than the house's ~400 lines: the statements share
the sets of `Board._with`; the rows of the page are built apart, in `rows.py`.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import QuerySet

from passeport.consent.models import ConsentScope, PreventionConsent
from passeport.core.replicas import read_alias
from passeport.organisations.models import Organisation
from passeport.people.models import Person
from passeport.prevention import catalogue
from passeport.records.enums import RecordStatus
from passeport.records.models import EmploymentPeriod, PreventionTraining
from passeport.records.models.prevention import EXPIRING_SOON_DAYS

from .models import Post, PostAssignment, RosterEntry, RosterState

CURRENT = (RecordStatus.ACTIVE, RecordStatus.EXPIRED)
CHOSEN_SCOPES = (ConsentScope.ALL, ConsentScope.PART)
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
    STATES = (VALID, EXPIRING, EXPIRED)


@dataclass
class Filters:
    family: str = ""
    status: str = ""
    post: Post | None = None

    @property
    def kind_codes(self) -> list[str] | None:
        return catalogue.codes_for_family(self.family) if self.family else None


# (kind, family) pairs of the catalogue, as a VALUES table joined by the summary.
_FAMILY_PAIRS = [(kind.code, family) for kind in catalogue.KINDS for family in kind.risk_families]
_FAMILY_VALUES = "VALUES " + ", ".join(["(%s, %s)"] * len(_FAMILY_PAIRS))
_FAMILY_PARAMS = [value for pair in _FAMILY_PAIRS for value in pair]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _date(value: datetime.date):
    return connection.ops.adapt_datefield_value(value)


def _chosen_sql() -> str:
    """SQL true when training `t`'s lineage is among those consent `c` chose, compared
    as `PreventionConsent.allows` does: the lineage's text form in the JSON list."""
    if connection.vendor == "postgresql":
        return "c.lineages @> to_jsonb(t.lineage::text)"
    # SQLite keeps UUIDs as 32 hexadecimal digits; the list holds the dashed form.
    dashed = (
        "substr(t.lineage, 1, 8) || '-' || substr(t.lineage, 9, 4) || '-' || "
        "substr(t.lineage, 13, 4) || '-' || substr(t.lineage, 17, 4) || '-' || "
        "substr(t.lineage, 21, 12)"
    )
    return f"EXISTS (SELECT 1 FROM json_each(c.lineages) AS j WHERE j.value = {dashed})"


@dataclass
class Board:
    """One organisation's board on one day, with its filters."""

    organisation: Organisation
    day: datetime.date
    filters: Filters = field(default_factory=Filters)

    def __post_init__(self):
        self.soon = self.day + datetime.timedelta(days=EXPIRING_SOON_DAYS)
        self._summary: dict | None = None

    # --- Posts ---------------------------------------------------------------------

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

    # --- The sets, as common table expressions ---------------------------------------

    def _with(self, only: list[int] | None = None) -> tuple[str, list]:
        """`WITH` clauses naming, for this board:

        - `employees(person_id)`, restricted to `only` when given (a page);
        - `consenting(person_id, scope)`: employees whose consent is all or part;
        - `visible(id, person_id, training_kind, valid_until)`: their current trainings
          the employer may see;
        - `latest(id, person_id, training_kind, valid_until, horizon, state)`: per person
          and catalogue kind, the visible training lasting longest (a renewal hides what it renews;
          unclassified trainings all count), within the risk family filter;
        - `missing(person_id, post_id, kind)`: a consenting employee holding a post
          without any visible training of a kind it requires (family filter applied);
        - `filtered(person_id)`: the employees the list shows under the filters.
        """
        org = self.organisation
        period, roster = _table(EmploymentPeriod), _table(RosterEntry)
        params: list = [org.siren, RecordStatus.ACTIVE, _date(self.day), _date(self.day)]
        employees = (
            f"SELECT e.person_id FROM {period} e WHERE e.employer_id IN "
            f"(SELECT o.id FROM {_table(Organisation)} o WHERE o.siren = %s) "
            "AND e.status = %s AND e.start_date <= %s "
            "AND (e.end_date IS NULL OR e.end_date >= %s) "
            f"UNION SELECT r.person_id FROM {roster} r WHERE r.employer_id = %s AND r.state = %s "
            f"EXCEPT SELECT r.person_id FROM {roster} r WHERE r.employer_id = %s AND r.state = %s"
        )
        params += [org.pk, RosterState.ADDED, org.pk, RosterState.REMOVED]
        if only is not None:
            employees = (
                f"SELECT person_id FROM ({employees}) AS s "
                f"WHERE person_id IN ({_marks(only) or 'NULL'})"
            )
            params += only
        clauses = [f"employees(person_id) AS ({employees})"]

        clauses.append(
            "consenting(person_id, scope) AS ("
            f"SELECT c.person_id, c.scope FROM {_table(PreventionConsent)} c "
            "WHERE c.employer_id = %s AND c.scope IN (%s, %s) "
            "AND c.person_id IN (SELECT person_id FROM employees))"
        )
        params += [org.pk, *CHOSEN_SCOPES]

        clauses.append(
            "visible(id, person_id, training_kind, valid_until) AS ("
            "SELECT t.id, t.person_id, t.training_kind, t.valid_until "
            f"FROM {_table(PreventionTraining)} t "
            f"JOIN {_table(PreventionConsent)} c "
            "ON c.person_id = t.person_id AND c.employer_id = %s "
            "WHERE t.person_id IN (SELECT person_id FROM consenting) AND t.status IN (%s, %s) "
            f"AND (c.scope = %s OR (c.scope = %s AND {_chosen_sql()})))"
        )
        params += [org.pk, *CURRENT, ConsentScope.ALL, ConsentScope.PART]

        codes = self.filters.kind_codes
        in_family = ""
        if codes is not None:
            in_family = f"WHERE v.training_kind IN ({_marks(codes) or 'NULL'})"
        # Latest first: the longest validity (none = forever), then the newest row.
        clauses.append(
            "latest(id, person_id, training_kind, valid_until, horizon, state) AS ("
            "SELECT id, person_id, training_kind, valid_until, horizon, "
            "CASE WHEN valid_until < %s THEN %s WHEN valid_until <= %s THEN %s ELSE %s END "
            "FROM (SELECT v.id, v.person_id, v.training_kind, v.valid_until, "
            "COALESCE(v.valid_until, %s) AS horizon, ROW_NUMBER() OVER ("
            "PARTITION BY v.person_id, v.training_kind "
            "ORDER BY COALESCE(v.valid_until, %s) DESC, v.id DESC) AS rank "
            f"FROM visible v {in_family}) AS ranked "
            "WHERE rank = 1 OR training_kind = '')"
        )
        params += [
            _date(self.day),
            Status.EXPIRED,
            _date(self.soon),
            Status.EXPIRING,
            Status.VALID,
            _date(NO_END),
            _date(NO_END),
            *(codes or []),
        ]

        pairs = self.requirements()
        if pairs:
            values = ", ".join(["(%s, %s)"] * len(pairs))
            clauses.append(f"required(post_id, kind) AS (VALUES {values})")
            clauses.append(
                # A set difference rather than NOT EXISTS: a correlated probe into a
                # common table expression (no index) is a nested loop when the planner
                # underestimates it.
                "missing(person_id, post_id, kind) AS ("
                "SELECT a.person_id, r.post_id, r.kind FROM required r "
                f"JOIN {_table(PostAssignment)} a ON a.post_id = r.post_id "
                "WHERE a.person_id IN (SELECT person_id FROM consenting) "
                "EXCEPT SELECT a.person_id, r.post_id, r.kind FROM required r "
                f"JOIN {_table(PostAssignment)} a ON a.post_id = r.post_id "
                "JOIN visible v ON v.person_id = a.person_id AND v.training_kind = r.kind)"
            )
            params += [value for post, kind in pairs for value in (post.pk, kind)]
        else:
            clauses.append(
                "missing(person_id, post_id, kind) AS ("
                "SELECT person_id, NULL, NULL FROM employees WHERE 1 = 0)"
            )

        filtered, filtered_params = self._filtered_sql()
        clauses.append(f"filtered(person_id) AS ({filtered})")
        params += filtered_params
        return "WITH " + ", ".join(clauses) + " ", params

    def _filtered_sql(self) -> tuple[str, list]:
        status, post = self.filters.status, self.filters.post
        sql, params = "SELECT person_id FROM employees WHERE 1 = 1", []
        if post is not None:
            sql += (
                f" AND person_id IN (SELECT person_id FROM {_table(PostAssignment)} "
                "WHERE post_id = %s)"
            )
            params.append(post.pk)
        if status == Status.NO_CONSENT:
            sql += " AND person_id NOT IN (SELECT person_id FROM consenting)"
        elif status == Status.MISSING:
            if post is None:
                sql += " AND person_id IN (SELECT person_id FROM missing)"
            else:
                sql += " AND person_id IN (SELECT person_id FROM missing WHERE post_id = %s)"
                params.append(post.pk)
        elif status in Status.STATES:
            sql += " AND person_id IN (SELECT person_id FROM latest WHERE state = %s)"
            params.append(status)
        elif self.filters.family:
            # A risk family alone: employees with a training of that family or lacking one.
            sql += (
                " AND person_id IN (SELECT person_id FROM latest "
                "UNION SELECT person_id FROM missing)"
            )
        return sql, params

    # --- Aggregates over all employees, in one statement ---------------------------

    def summary(self) -> dict:
        """Trainings by state, trainings ending each of the 12 coming months, employees
        with and without consent, gaps per (post, kind), size of the filtered list: one
        statement, whatever the number of employees."""
        if self._summary is not None:
            return self._summary
        starts = self.month_starts()
        last = len(starts) - 2
        # Month n (from 0) holds the ends from starts[n] to starts[n + 1].
        buckets = " ".join(f"WHEN valid_until < %s THEN '{n}'" for n in range(last))
        sql, params = self._with()
        sql += (
            "SELECT 'state', state, '', COUNT(*) FROM latest GROUP BY state "
            "UNION ALL SELECT 'month', bucket, '', COUNT(*) FROM ("
            f"SELECT CASE {buckets} ELSE '{last}' END AS bucket FROM latest "
            "WHERE valid_until >= %s AND valid_until < %s) AS ends GROUP BY bucket "
            "UNION ALL SELECT 'employees', '', '', COUNT(*) FROM employees "
            "UNION ALL SELECT 'consenting', '', '', COUNT(*) FROM consenting "
            "UNION ALL SELECT 'filtered', '', '', COUNT(*) FROM filtered "
            "UNION ALL SELECT 'missing', CAST(post_id AS TEXT), kind, COUNT(*) FROM missing "
            "GROUP BY post_id, kind "
            # Coverage per risk family: each employee counted once per family, by the best
            # state of their trainings in it (0 valid, 1 expiring, 2 expired).
            "UNION ALL SELECT 'family', family, CAST(best AS TEXT), COUNT(*) FROM ("
            "SELECT f.family, l.person_id, MIN(CASE l.state WHEN %s THEN 0 WHEN %s THEN 1 "
            "ELSE 2 END) AS best FROM latest l JOIN kind_family f "
            "ON f.kind = l.training_kind GROUP BY f.family, l.person_id) AS covered "
            "GROUP BY family, best"
        )
        params += [_date(start) for start in starts[1:-1]]
        params += [_date(self.day), _date(starts[-1])]
        params += [Status.VALID, Status.EXPIRING]
        # The catalogue's (kind, family) pairs, as one more common table expression.
        sql = f"WITH kind_family(kind, family) AS ({_FAMILY_VALUES}), " + sql.removeprefix("WITH ")
        params = [*_FAMILY_PARAMS, *params]
        with connections[read_alias()].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        summary = {
            "families": {family: [0, 0, 0] for family in catalogue.RiskFamily.values},
            "states": dict.fromkeys(Status.STATES, 0),
            "months": [0] * (len(starts) - 1),
            "missing": {(post.pk, kind): 0 for post, kind in self.requirements()},
        }
        for section, key, kind, count in rows:
            if section == "state":
                summary["states"][key] = count
            elif section == "month":
                summary["months"][int(key)] = count
            elif section == "missing":
                summary["missing"][(int(key), kind)] = count
            elif section == "family":
                summary["families"][key][int(kind)] = count
            else:
                summary[section] = count
        self._summary = summary
        return summary

    def month_starts(self, months: int = 12) -> list[datetime.date]:
        first = self.day.replace(day=1)
        return [catalogue.add_months(first, n) for n in range(months + 1)]

    def counters(self) -> dict[str, int]:
        summary = self.summary()
        return {
            **summary["states"],
            "employees": summary["employees"],
            Status.NO_CONSENT: summary["employees"] - summary["consenting"],
        }

    def expiries_by_month(self) -> list[tuple[datetime.date, int]]:
        """(first day of month, trainings whose validity ends that month) from today to
        the end of the 12th month; a renewed training is not due, one already expired is
        not counted again."""
        return list(zip(self.month_starts()[:-1], self.summary()["months"], strict=True))

    def family_coverage(self) -> list[dict]:
        """Per risk family, how many consenting employees have a valid training in it, one
        expiring soon (and none valid beyond), only expired ones, or none."""
        summary = self.summary()
        consenting = summary["consenting"]
        rows = []
        for family in catalogue.RiskFamily:
            if self.filters.family and family.value != self.filters.family:
                continue
            valid, expiring, expired = summary["families"][family.value]
            rows.append(
                {
                    "family": family.value,
                    "label": family.label,
                    "valid": valid,
                    "expiring": expiring,
                    "expired": expired,
                    "none": max(consenting - valid - expiring - expired, 0),
                }
            )
        return rows

    def missing_counts(self) -> dict[tuple[int, str], int]:
        """How many consenting employees of each post lack each required kind."""
        return self.summary()["missing"]

    # --- The filtered list of employees --------------------------------------------

    def people(self, offset: int = 0, limit: int | None = None) -> list[Person]:
        """Filtered employees in a stable order (name, first names, key), each with
        `consent_scope` (None without a row)."""
        sql, params = self._with()
        sql += (
            f"SELECT p.*, c.scope AS consent_scope FROM {_table(Person)} p "
            "JOIN filtered f ON f.person_id = p.id "
            f"LEFT JOIN {_table(PreventionConsent)} c ON c.person_id = p.id "
            "AND c.employer_id = %s "
            "ORDER BY p.birth_name, p.first_names, p.id"
        )
        params.append(self.organisation.pk)
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        return list(Person.objects.raw(sql, params))

    def listing(self) -> "Listing":
        return Listing(self)

    def employee(self, public_id) -> Person | None:
        """One employee (whatever the filters), with `consent_scope`; None otherwise."""
        field = Person._meta.get_field("public_id")
        try:
            key = field.get_db_prep_value(field.to_python(public_id), connection)
        except ValidationError:
            return None
        sql, params = _employee_sql(self)
        people = list(Person.objects.raw(sql, [*params, key]))
        return people[0] if people else None

    def visible_trainings(self, person: Person) -> QuerySet:
        """An employee's current trainings the employer may see (the detail page)."""
        trainings = PreventionTraining.objects.filter(person=person, status__in=CURRENT)
        consent = PreventionConsent.objects.filter(
            person=person, employer=self.organisation
        ).first()
        if consent is None or consent.scope not in CHOSEN_SCOPES:
            return trainings.none()
        if consent.scope == ConsentScope.PART:
            trainings = trainings.filter(lineage__in=consent.lineages)
        return trainings

    def latest_rows(self, only: list[int] | None = None) -> Iterator[tuple]:
        """(person_id, public_id, title, kind, valid_from, valid_until, state) of the latest
        visible trainings of `only` (a page), or of every filtered employee; per person,
        soonest end first."""
        sql, params = self._with(only)
        sql += (
            "SELECT l.person_id, t.public_id, t.title, t.training_kind, t.valid_from, "
            f"t.valid_until, l.state FROM latest l JOIN {_table(PreventionTraining)} t "
            "ON t.id = l.id JOIN filtered f ON f.person_id = l.person_id "
            "ORDER BY l.person_id, l.horizon, l.id"
        )
        uuid_field = PreventionTraining._meta.get_field("public_id")
        with connections[read_alias()].cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(2000):
                for person_id, public_id, *rest in chunk:
                    # SQLite returns the stored text of UUIDs and dates.
                    yield (
                        person_id,
                        uuid_field.to_python(public_id),
                        rest[0],
                        rest[1],
                        _as_date(rest[2]),
                        _as_date(rest[3]),
                        rest[4],
                    )


def _employee_sql(board: Board) -> tuple[str, list]:
    sql, params = Board(board.organisation, board.day)._with()
    sql += (
        f"SELECT p.*, c.scope AS consent_scope FROM {_table(Person)} p "
        "JOIN employees e ON e.person_id = p.id "
        f"LEFT JOIN {_table(PreventionConsent)} c ON c.person_id = p.id AND c.employer_id = %s "
        "WHERE p.public_id = %s"
    )
    return sql, [*params, board.organisation.pk]


def _as_date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


class Listing:
    """What Django's Paginator needs (a count and slices) over the filtered employees:
    the count comes from the board's summary statement, a slice is one query."""

    def __init__(self, board: Board):
        self.board = board

    def count(self) -> int:
        return self.board.summary()["filtered"]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, bounds: slice) -> list[Person]:
        start = bounds.start or 0
        return self.board.people(start, bounds.stop - start)
