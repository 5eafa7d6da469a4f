"""The loader's rows built without `Model.__init__` are those `__init__` builds."""

import datetime
import decimal

import pytest

from passeport.ingest.dsn.loader import _new_period
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
