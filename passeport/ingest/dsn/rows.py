"""The rows a DSN ingest writes, built fast (a monthly DSN of 100,000 individuals is
that many periods and hours): what the loader needs of a stored period (`Current`),
new periods from a per-declaration template (`PeriodBuilder`), and a group's rows
written with one insert per table (`Group`)."""

from __future__ import annotations

import uuid

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.base import ModelState
from django.utils import timezone

from passeport.core.bulk import bulk_insert, new_instance, uuid4
from passeport.journal.actors import Actor
from passeport.records import services as records
from passeport.records.models import EmploymentPeriod

from .models import DsnHoursWorked
from .report import DeclarationOutcome

ACTOR = Actor.system("ingest_dsn")


class Current:
    """What the loader needs of a period already in the database (read as one tuple)."""

    __slots__ = (
        "contract_nature",
        "employer_id",
        "end_date",
        "end_reason",
        "job_title",
        "lineage",
        "pcs_ese",
        "pk",
        "reference_quotity",
        "start_date",
        "working_time_quotity",
    )

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            setattr(self, name, value)


class Group:
    """The rows a group of declarations writes, one insert per table."""

    def __init__(self):
        self.now = timezone.now()
        self.periods: list[EmploymentPeriod] = []
        self.created_by: dict[int, DeclarationOutcome] = {}
        self.new_lineages: set = set()
        self.hours: list[DsnHoursWorked] = []
        self.changed_hours: dict[int, DsnHoursWorked] = {}

    def write(self) -> None:
        if self.periods:
            records.store_many(self.periods, actor=ACTOR)
            self.periods = []
        if self.hours:
            bulk_insert(DsnHoursWorked, self.hours)
            self.hours = []
        if self.changed_hours:
            DsnHoursWorked.objects.bulk_update(
                list(self.changed_hours.values()),
                ["hours", "deposit", "source_reference", "updated_at"],
            )
            self.changed_hours = {}


def _new_period(provenance, values: dict, person_pk: int) -> EmploymentPeriod:
    """`records.build_record(EmploymentPeriod, None, provenance, **values)` then
    `person_id = person_pk`, built with `new_instance` (`Model.__init__` shows on 100,000
    rows); `tests/ingest/dsn/test_loader_fast_paths.py` compares the two."""
    period = new_instance(
        EmploymentPeriod,
        person=None,
        source_kind=provenance.source_kind,
        declarant=provenance.declarant,
        received_at=provenance.received_at,
        source_reference=provenance.reference[:255],
        assurance=provenance.assurance,
        **values,
    )
    period.person_id = person_pk
    return period


class PeriodBuilder:
    """`_new_period`, faster for the rows of one declaration: the first row is built by
    `_new_period`; the next ones copy its attributes and model state (related-object
    cache), then set their own values and fresh callable defaults (the uuid4s), as long
    as they are given the same names and the same related objects (employer, declarant)
    as the first; otherwise `_new_period` again. Copying a dict costs a fraction of
    `new_instance`'s per-field dispatch and descriptor calls, which showed in profiles on
    100,000 rows (`test_loader_fast_paths.py` compares the rows with `build_record`'s)."""

    __slots__ = ("_attributes", "_declarant", "_names", "_plain", "_related", "_state")

    def __init__(self):
        self._names = None

    def __call__(self, provenance, values: dict, person_pk: int) -> EmploymentPeriod:
        if (
            self._names is None
            or values.keys() != self._names
            or provenance.declarant is not self._declarant
            or any(values[name] is not value for name, value in self._related)
        ):
            return self._first(provenance, values, person_pk)
        attributes = self._attributes.copy()
        # What `build_record` gives from the provenance, as `_new_period` cuts it.
        attributes["source_kind"] = provenance.source_kind
        attributes["received_at"] = provenance.received_at
        attributes["source_reference"] = provenance.reference[:255]
        attributes["assurance"] = provenance.assurance
        for name in self._plain:
            attributes[name] = values[name]
        attributes["person_id"] = person_pk
        for attname, make_default in _PERIOD_FRESH_DEFAULTS:
            attributes[attname] = make_default()
        period = EmploymentPeriod.__new__(EmploymentPeriod)
        state = period._state = ModelState()
        state.__dict__.update(self._state)
        if "fields_cache" in self._state:
            state.fields_cache = self._state["fields_cache"].copy()
        period.__dict__.update(attributes)
        return period

    def _first(self, provenance, values: dict, person_pk: int) -> EmploymentPeriod:
        period = _new_period(provenance, values, person_pk)
        self._names = None
        state = dict(vars(period._state))
        if "fields_cache" in state:
            # A copy: the first row's own cache may be filled later (`period.person`).
            state["fields_cache"] = state["fields_cache"].copy()
            if "person" in state["fields_cache"]:
                return period  # a cached person would be wrong for the next rows
        plain, related = [], []
        for name, value in values.items():
            try:
                field = EmploymentPeriod._meta.get_field(name)
            except FieldDoesNotExist:
                return period
            if field.is_relation:
                related.append((name, value))  # set through its descriptor: reused as is
            elif field.concrete and field.attname == name:
                plain.append(name)
            else:
                return period
        self._attributes = {k: v for k, v in period.__dict__.items() if k != "_state"}
        self._state = state
        self._plain, self._related = tuple(plain), tuple(related)
        self._declarant = provenance.declarant
        self._names = frozenset(values)
        return period


# The fields `new_instance` gives a new value each time (a callable default: the uuid4s,
# from `bulk.uuid4` as there).
_PERIOD_FRESH_DEFAULTS = tuple(
    (field.attname, uuid4 if field.default is uuid.uuid4 else field.get_default)
    for field in EmploymentPeriod._meta.concrete_fields
    if (field.has_default() and callable(field.default))
    or field.db_default is not models.NOT_PROVIDED
)


def chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start : start + size]
