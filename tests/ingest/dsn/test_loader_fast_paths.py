"""The loader's rows built without `Model.__init__` are those `__init__` builds."""

import datetime
import decimal

import pytest

from passeport.ingest.dsn.rows import ACTOR, PeriodBuilder, _new_period
from passeport.records import services as records
from passeport.records.enums import SourceKind
from passeport.records.models import EmploymentPeriod
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _attributes(period) -> dict:
    values = {k: v for k, v in period.__dict__.items() if k not in {"_state", "public_id"}}
    values.pop("lineage")
    return values


@pytest.mark.parametrize("declarant", [True, False])
def test_new_period_is_build_record_then_person_id(declarant):
    person, employer = PersonFactory(), OrganisationFactory()
    provenance = records.Provenance(
        SourceKind.DSN,
        datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC),
        employer if declarant else None,
        "f.dsn:ligne 12" * 30,  # cut to 255 characters
    )
    values = {
        "employer": employer,
        "employer_name": employer.name,
        "siret": employer.siret,
        "contract_number": "00042",
        "contract_nature": "01",
        "job_title": "Soudeuse",
        "pcs_ese": "621a",
        "working_time_quotity": decimal.Decimal("151.67"),
        "reference_quotity": None,
        "start_date": datetime.date(2024, 2, 1),
        "end_date": None,
        "end_reason": "",
    }
    slow = records.build_record(EmploymentPeriod, None, provenance, **values)
    slow.person_id = person.pk
    fast = _new_period(provenance, dict(values), person.pk)

    assert list(fast.__dict__) == list(slow.__dict__)
    assert _attributes(fast) == _attributes(slow)
    assert vars(fast._state).keys() == vars(slow._state).keys()
    assert fast._state.db == slow._state.db
    assert fast._state.adding == slow._state.adding
    assert fast._state.fields_cache == slow._state.fields_cache
    assert fast.public_id != slow.public_id and fast.lineage != slow.lineage  # own uuid4s
    assert fast.person == person and fast.employer == employer
    fast.full_clean(exclude=["person", "declarant"])
    fast.save()
    assert EmploymentPeriod.objects.get(pk=fast.pk).content() == fast.content()


def test_new_period_refuses_unknown_fields():
    provenance = records.Provenance(SourceKind.DSN, datetime.datetime.now(datetime.UTC))
    with pytest.raises(TypeError):
        _new_period(provenance, {"nope": 1}, 1)


def _values(employer, number: str, **overrides) -> dict:
    values = {
        "employer": employer,
        "employer_name": employer.name,
        "siret": employer.siret,
        "contract_number": number,
        "contract_nature": "01",
        "job_title": "Soudeuse",
        "pcs_ese": "621a",
        "working_time_quotity": decimal.Decimal("151.67"),
        "reference_quotity": None,
        "start_date": datetime.date(2024, 2, 1),
        "end_date": None,
        "end_reason": "",
    }
    values.update(overrides)
    return values


def _same_row(fast, slow) -> None:
    assert list(fast.__dict__) == list(slow.__dict__)
    assert _attributes(fast) == _attributes(slow)
    assert vars(fast._state) == vars(slow._state)
    assert fast._state.fields_cache is not slow._state.fields_cache


def test_period_builder_rows_are_build_record_rows():
    """The builder's later rows (copied from its first) are what `build_record` gives,
    each with its own values, provenance, person and uuid4s; another employer or
    declarant starts again from `_new_period`."""
    first_person, second_person = PersonFactory(), PersonFactory()
    employer, other = OrganisationFactory(), OrganisationFactory()
    received = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC)
    build = PeriodBuilder()
    rows = [
        (records.Provenance(SourceKind.DSN, received, employer, "f.dsn:ligne 12"), employer),
        (records.Provenance(SourceKind.DSN, received, employer, "f.dsn:ligne 40"), employer),
        (records.Provenance(SourceKind.DSN, received, other, "f.dsn:ligne 70"), other),
        (records.Provenance(SourceKind.DSN, received, None, "f.dsn:ligne 90"), other),
    ]
    built = []
    for index, (provenance, organisation) in enumerate(rows):
        person = (first_person, second_person)[index % 2]
        overrides = {"job_title": f"Emploi {index}", "end_date": datetime.date(2026, 1, index + 1)}
        values = _values(organisation, f"C{index}", **overrides)
        slow = records.build_record(EmploymentPeriod, None, provenance, **dict(values))
        slow.person_id = person.pk
        fast = build(provenance, values, person.pk)
        _same_row(fast, slow)
        assert fast.person == person and fast.employer == organisation
        assert fast.declarant == provenance.declarant
        built.append(fast)
    assert len({row.public_id for row in built}) == len({row.lineage for row in built}) == 4
    records.store_many(built, actor=ACTOR)
    for row in built:
        assert EmploymentPeriod.objects.get(public_id=row.public_id).content() == row.content()


def test_period_builder_starts_again_on_other_names():
    employer = OrganisationFactory()
    provenance = records.Provenance(SourceKind.DSN, datetime.datetime.now(datetime.UTC), employer)
    build = PeriodBuilder()
    build(provenance, _values(employer, "A"), 1)
    with pytest.raises(TypeError):
        build(provenance, {**_values(employer, "B"), "nope": 1}, 1)
