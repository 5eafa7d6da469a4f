"""`bulk_insert` stores exactly what `bulk_create` stores, for every model written in bulk
and every field type they use (run on SQLite and on PostgreSQL: the conversions are the
backend's own)."""

import datetime
import decimal
import uuid
import zoneinfo

import pytest
from django.db import connection, models, transaction
from django.utils import timezone

from passeport.core.bulk import _insert_fields, bulk_insert
from passeport.ingest.accrochage.models import AccrochagePassage
from passeport.ingest.dsn.models import DsnDeposit, DsnHoursWorked
from passeport.journal.models import JournalEntry
from passeport.organisations.models import Organisation
from passeport.people.models import Person
from passeport.records import models as records
from passeport.records.enums import Assurance, Publication, SourceKind
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=datetime.UTC)
# The same instant in other zones (one cached text on SQLite), other instants, a DST edge.
DATETIMES = [
    NOW,
    NOW.astimezone(PARIS),
    datetime.datetime(2026, 3, 29, 3, 0, tzinfo=PARIS),
    datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
    NOW.astimezone(datetime.timezone(datetime.timedelta(hours=-5, minutes=-30))),
    datetime.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=PARIS),
]
DECIMALS = [decimal.Decimal("7.5"), decimal.Decimal("151.67"), decimal.Decimal("3"), 12.25, "8.10"]
JSONS = [
    {"b": [1, "é", None], "a": {"x": True, "d": 1.5}},
    {},
    ["liste", 2],
    "texte",
    {"date": "2026-01-01", "n": None},
]
MODELS = [
    Person,
    records.EmploymentPeriod,
    records.Certification,
    records.Training,
    records.PreventionTraining,
    records.Engagement,
    records.DeclaredItem,
    JournalEntry,
    DsnHoursWorked,
    AccrochagePassage,
]
ROWS = 6


def _value(field: models.Field, i: int, related: dict):
    """A value of `field`'s type for row `i`, varying kinds and None across rows."""
    if field.is_relation:
        if field.null and i % 3 == 2:
            return None
        return related[field.related_model].pk
    if field.null and i % 4 == 3:
        return None
    kind = type(field)
    if field.choices:
        return field.choices[i % len(field.choices)][0]
    if kind is models.UUIDField:
        value = uuid.uuid4()
        return str(value) if i % 2 else value  # a string goes through `to_python`
    if kind is models.DateTimeField:
        return DATETIMES[i % len(DATETIMES)]
    if kind is models.DateField:
        # One date per row: start and end dates stay in order.
        return datetime.date(2020, 2, 29) + datetime.timedelta(days=37 * i)
    if kind is models.DecimalField:
        return DECIMALS[i % len(DECIMALS)]
    if kind is models.JSONField:
        return JSONS[i % len(JSONS)]
    if kind is models.BooleanField:
        return i % 2 == 0
    if isinstance(field, models.IntegerField):
        return 1 + i % 12
    if kind is models.FileField:
        return f"essais/fichier-{i}.xml"
    if kind is models.EmailField:
        return f"personne{i}@exemple.fr"
    if isinstance(field, models.CharField | models.TextField):
        text = f"« valeur {i} » {field.name}"
        return text[: field.max_length] if field.max_length else text
    raise AssertionError(f"Type de champ sans valeur d'essai : {field!r}")


def _values(model, related) -> list[dict]:
    rows = []
    for i in range(ROWS):
        values = {field.attname: _value(field, i, related) for field in _insert_fields(model)}
        if issubclass(model, records.Record):
            # The table's check constraints: assurance follows the source.
            declared = model is records.DeclaredItem
            values.update(
                source_kind=SourceKind.HOLDER if declared else SourceKind.DSN,
                assurance=Assurance.DECLARED if declared else Assurance.GUARANTEED,
                publication=Publication.PUBLISHED if i % 2 else Publication.PRIVATE,
                published_at=DATETIMES[i % len(DATETIMES)],
                version=1,
            )
        if model is Person:
            values.update(
                sex="MF"[i % 2],
                birth_year=1980 + i,
                birth_commune_code="75107",
                birth_country_code="99100",
            )
        rows.append(values)
    return rows


def _stored(model) -> list[tuple]:
    """The table's rows as the database holds them (no converter), in insertion order."""
    fields = _insert_fields(model)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {pk}")  # noqa: S608
        return cursor.fetchall()


@pytest.fixture
def related():
    person = PersonFactory()
    organisation = OrganisationFactory()
    deposit = DsnDeposit.objects.create(file_name="f.dsn", sha256="0" * 64, size=1, received_at=NOW)
    return {Person: person, Organisation: organisation, DsnDeposit: deposit}


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_bulk_insert_stores_what_bulk_create_stores(model, related, monkeypatch):
    import warnings

    # auto_now/auto_now_add read the clock: the same reading for both paths.
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model not in related:
            related[field.related_model] = _related_row(field.related_model, related)
    values = _values(model, related)
    before = _stored(model)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a naive datetime would warn: none here
        with transaction.atomic():
            model.objects.bulk_create([model(**row) for row in values])
            expected = _stored(model)[len(before) :]
            transaction.set_rollback(True)
        with transaction.atomic():
            objects = [model(**row) for row in values]
            assert bulk_insert(model, objects) == ROWS
            got = _stored(model)[len(before) :]
            transaction.set_rollback(True)

    assert len(expected) == ROWS
    assert got == expected
    for obj in objects:
        assert not obj._state.adding


def _related_row(model, related):
    if model is AccrochagePassage._meta.get_field("last_submission").related_model:
        return model.objects.create(
            **{
                field.attname: _value(field, 0, related)
                for field in _insert_fields(model)
                if not field.is_relation or not field.null
            }
        )
    raise AssertionError(f"Pas de ligne d'essai pour {model.__name__}")


def test_auto_now_add_is_one_reading_set_on_the_objects(monkeypatch):
    readings = iter([NOW, NOW + datetime.timedelta(seconds=1)])
    monkeypatch.setattr(timezone, "now", lambda: next(readings))
    people = [PersonFactory.build() for _ in range(3)]
    bulk_insert(Person, people)
    assert {p.created_at for p in people} == {NOW}
    stored = set(
        Person.objects.filter(public_id__in=[p.public_id for p in people]).values_list(
            "created_at", flat=True
        )
    )
    assert stored == {NOW}


def test_naive_datetime_takes_the_fields_own_path(related):
    """A naive datetime is made aware (with Django's warning), as `bulk_create` does."""
    person = PersonFactory.build(cpf_activated_at=datetime.datetime(2026, 1, 2, 3, 4, 5))
    with pytest.warns(RuntimeWarning):
        bulk_insert(Person, [person])
    stored = Person.objects.get(public_id=person.public_id).cpf_activated_at
    assert stored == timezone.make_aware(datetime.datetime(2026, 1, 2, 3, 4, 5))


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_new_instance_is_what_init_builds(model, related):
    from passeport.core.bulk import new_instance

    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model not in related:
            related[field.related_model] = _related_row(field.related_model, related)
    for values in _values(model, related):
        # Related objects by name for half the foreign keys, ids for the others.
        for index, field in enumerate(f for f in model._meta.concrete_fields if f.is_relation):
            if index % 2 == 0 and values.get(field.attname) is not None:
                del values[field.attname]
                values[field.name] = related[field.related_model]
        fast, slow = new_instance(model, **values), model(**values)
        assert type(fast) is model
        assert list(fast.__dict__) == list(slow.__dict__)
        fast_values = {k: v for k, v in fast.__dict__.items() if k != "_state"}
        assert fast_values == {k: v for k, v in slow.__dict__.items() if k != "_state"}
        assert vars(fast._state) == vars(slow._state)


def test_new_instance_defaults_and_refusals():
    from passeport.core.bulk import new_instance

    person = new_instance(Person, birth_name="A")
    assert isinstance(person.public_id, uuid.UUID) and person.pk is None
    assert person.usage_name == "" and person.is_temporary_number is False
    with pytest.raises(TypeError):
        new_instance(Person, not_a_field=1)
