"""The rows of the employer's follow-up board page and export: each employee with their
latest visible trainings and what their posts lack (the sets come from `board.Board`)."""

import datetime
from dataclasses import dataclass, field

from passeport.people.models import Person
from passeport.prevention import catalogue

from .board import CHOSEN_SCOPES, Board, Status
from .models import Post, PostAssignment


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


def employee_rows(board: Board, people: list[Person], *, page: bool = True) -> list[EmployeeRow]:
    """The rows of `people` (each with `consent_scope`): their latest visible trainings
    and what their posts lack, in two queries. `page=False` when `people` are all the
    filtered employees (the export): the trainings are then read through the filter
    rather than through a list of thousands of keys."""
    ids = [person.pk for person in people]
    by_person: dict[int, list[TrainingRow]] = {pk: [] for pk in ids}
    if ids:
        for person_id, public_id, title, kind, valid_from, valid_until, state in board.latest_rows(
            ids if page else None
        ):
            if person_id in by_person:
                by_person[person_id].append(
                    TrainingRow(
                        str(public_id),
                        title,
                        catalogue.by_code(kind),
                        valid_from,
                        valid_until,
                        state,
                    )
                )
    posts = {post.pk: post for post in board.posts()}
    assignments: dict[int, list[Post]] = {pk: [] for pk in ids}
    if posts and ids:
        assigned = PostAssignment.objects.filter(post__in=list(posts))
        if page:
            assigned = assigned.filter(person__in=ids)
        for person_id, post_id in assigned.order_by("post__name", "pk").values_list(
            "person_id", "post_id"
        ):
            if person_id in assignments:
                assignments[person_id].append(posts[post_id])
    codes = board.filters.kind_codes
    rows = []
    for person in people:
        consented = person.consent_scope in CHOSEN_SCOPES
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
