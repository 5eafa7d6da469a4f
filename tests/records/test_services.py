import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from passeport.journal.models import JournalEntry
from passeport.journal.verification import verify_journal
from passeport.records import services
from passeport.records.enums import Assurance, Publication, RecordStatus, SourceKind
from passeport.records.models import DeclaredItem, EmploymentPeriod, PreventionTraining
from tests.factories import OrganisationFactory, PersonFactory, PreventionTrainingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer():
    return OrganisationFactory(name="Boulangerie Dupain")


def _dsn(employer):
    return services.Provenance(SourceKind.DSN, timezone.now(), employer, "DSN-2026-10.dsn:ligne 42")


def test_store_sets_provenance_and_journals_the_content(system_actor, employer):
    person = PersonFactory()
    record = services.store_employment_period(
        person,
        provenance=_dsn(employer),
        actor=system_actor,
        employer=employer,
        employer_name=employer.name,
        siret=employer.siret,
        job_title="Boulangère",
        contract_nature="01",
        start_date=datetime.date(2020, 1, 6),
    )
    assert record.assurance == Assurance.GUARANTEED
    assert record.publication == Publication.PRIVATE  # private by default
    assert record.source_reference == "DSN-2026-10.dsn:ligne 42"
    entry = JournalEntry.objects.get(action="record.stored")
    assert entry.person_id == person.pk
    assert entry.payload["content_sha256"] == record.content_digest()
    record.refresh_from_db()
    assert entry.payload["content_sha256"] == record.content_digest()  # stable round trip


def test_holder_declarations_are_declared_never_guaranteed(system_actor):
    person = PersonFactory()
    item = services.store_declared_item(
        person, actor=system_actor, item_kind="language", title="Anglais", language_level="B2"
    )
    assert item.assurance == Assurance.DECLARED
    with pytest.raises(IntegrityError), transaction.atomic():
        DeclaredItem.objects.create(
            person=person,
            source_kind=SourceKind.DSN,
            assurance=Assurance.GUARANTEED,
            received_at=timezone.now(),
            item_kind="skill",
            title="Se dit garanti",
        )


def test_assurance_cannot_contradict_the_source(employer):
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentPeriod.objects.create(
            person=PersonFactory(),
            source_kind=SourceKind.HOLDER,
            assurance=Assurance.GUARANTEED,
            received_at=timezone.now(),
            employer_name="X",
            job_title="Y",
            start_date=datetime.date(2020, 1, 1),
        )


def test_store_validates_fields_in_french(system_actor, employer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.store_employment_period(
            PersonFactory(),
            provenance=_dsn(employer),
            actor=system_actor,
            employer_name="X",
            job_title="Y",
            start_date=datetime.date(2020, 1, 6),
            end_date=datetime.date(2019, 1, 6),
        )
    assert "ne précède pas son début" in str(error.value)


def test_revise_makes_a_new_version_and_keeps_the_old(system_actor):
    record = PreventionTrainingFactory()
    services.set_publication([record], published=True, actor=system_actor)
    new = services.revise(
        record,
        actor=system_actor,
        reason="Date de fin erronée",
        valid_until=datetime.date(2027, 6, 1),
    )
    record.refresh_from_db()
    assert (record.status, new.status) == (RecordStatus.SUPERSEDED, RecordStatus.ACTIVE)
    assert new.lineage == record.lineage and new.version == 2
    assert new.public_id != record.public_id
    assert record.publication == new.publication == Publication.PRIVATE
    history = PreventionTraining.objects.filter(lineage=record.lineage).order_by("version")
    assert [r.valid_until for r in history] == [
        datetime.date(2027, 1, 7),
        datetime.date(2027, 6, 1),
    ]
    assert JournalEntry.objects.filter(action="record.revised").get().payload["reason"] == (
        "Date de fin erronée"
    )
    with pytest.raises(services.RecordError):
        services.revise(record, actor=system_actor, reason="encore", title="x")


def test_cancel_requires_a_reason_and_unpublishes(system_actor):
    record = PreventionTrainingFactory()
    with pytest.raises(services.RecordError, match="motif"):
        services.cancel(record, actor=system_actor, reason=" ")
    services.set_publication([record], published=True, actor=system_actor)
    cancelled = services.cancel(record, actor=system_actor, reason="Déclaré par erreur")
    assert cancelled.status == RecordStatus.CANCELLED
    assert cancelled.publication == Publication.PRIVATE
    with pytest.raises(services.RecordError, match="en vigueur"):
        services.set_publication([cancelled], published=True, actor=system_actor)


def test_publication_is_journaled_once_per_change(system_actor):
    records = PreventionTrainingFactory.create_batch(3)
    services.set_publication(records, published=True, actor=system_actor)
    services.set_publication(records, published=True, actor=system_actor)  # no-op
    assert JournalEntry.objects.filter(action="record.published").count() == 3
    assert PreventionTraining.objects.published().count() == 3
    services.set_publication(records[:1], published=False, actor=system_actor)
    assert PreventionTraining.objects.published().count() == 2


def test_expire_due(system_actor):
    expired = PreventionTrainingFactory(valid_until=datetime.date(2026, 1, 1))
    valid = PreventionTrainingFactory(valid_until=datetime.date(2027, 6, 1))
    assert services.expire_due(datetime.date(2026, 11, 23), actor=system_actor) == 1
    expired.refresh_from_db()
    valid.refresh_from_db()
    assert (expired.status, valid.status) == (RecordStatus.EXPIRED, RecordStatus.ACTIVE)
    assert expired.validity_on(datetime.date(2026, 11, 23)) == "expired"
    assert valid.validity_on(datetime.date(2026, 11, 23)) == "valid"
    assert valid.validity_on(datetime.date(2027, 3, 15)) == "expiring"


def test_store_many_journals_every_record_and_keeps_the_chain(system_actor, employer):
    people = PersonFactory.create_batch(3)
    built = [
        services.build_record(
            EmploymentPeriod,
            person,
            _dsn(employer),
            employer_name=employer.name,
            job_title="Agent",
            start_date=datetime.date(2021, 1, 1),
        )
        for person in people
    ]
    assert services.store_many(built, actor=system_actor) == 3
    assert EmploymentPeriod.objects.count() == 3
    assert JournalEntry.objects.filter(action="record.stored").count() == 3
    assert verify_journal().intact
