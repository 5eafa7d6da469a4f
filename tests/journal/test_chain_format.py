"""The chain's format is frozen: hashes computed by the fast paths (one shared encoder,
journal rows built without `Model.__init__`, cached content fields) are those of the
plain formulas, so that journals written before still verify."""

import datetime
import decimal
import hashlib
import json
import uuid
import zoneinfo

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from passeport.journal import services as journal
from passeport.journal.chain import canonical_json, digest, entry_hash, normalize_payload
from passeport.journal.models import JournalEntry
from passeport.journal.verification import verify_journal
from passeport.records import services as records
from passeport.records.enums import SourceKind
from passeport.records.models import (
    Certification,
    DeclaredItem,
    EmploymentPeriod,
    Engagement,
    PreventionTraining,
    Training,
)
from passeport.records.models.base import LIFECYCLE_FIELDS
from tests.factories import OrganisationFactory, PersonFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PAYLOAD = {
    "z": 'é\u2028"\\/<>',
    "a": [1, 2.5, None, True],
    "d": datetime.date(2026, 1, 2),
    "t": datetime.datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=PARIS),
    "u": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "m": decimal.Decimal("151.670"),
    "n": {"b": {}, "a": []},
    "emoji": "😀",
    "ctl": "\x00\x1f",
}


def _reference_json(value) -> str:
    """The format's definition, spelled out."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    )


def _reference_digest(value) -> str:
    return hashlib.sha256(_reference_json(value).encode()).hexdigest()


def _reference_content(record) -> dict:
    """`Record.content` as first written: every concrete field but the lifecycle ones."""
    values = {}
    for field in record._meta.concrete_fields:
        if field.name in LIFECYCLE_FIELDS or field.name == "created_at":
            continue
        value = field.value_from_object(record)
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.UTC).isoformat()
        elif isinstance(value, uuid.UUID | datetime.date | decimal.Decimal):
            value = str(value)
        values[field.attname] = value
    return values


def test_hashes_of_known_values_are_unchanged():
    # Computed with the code that wrote the existing journals.
    assert canonical_json(PAYLOAD) == (
        '{"a":[1,2.5,null,true],"ctl":"\\u0000\\u001f","d":"2026-01-02","emoji":"😀",'
        '"m":"151.670","n":{"a":[],"b":{}},"t":"2026-03-29T01:30:00.123+01:00",'
        '"u":"12345678-1234-5678-1234-567812345678","z":"é\u2028\\"\\\\/<>"}'
    )
    assert canonical_json(PAYLOAD) == _reference_json(PAYLOAD)
    assert (
        digest(normalize_payload(PAYLOAD))
        == "5ac8217631c9f33561881857fca06c39afc5a957d6704bb159da323b14fdec69"
    )
    assert (
        entry_hash(
            seq=42,
            occurred_at=datetime.datetime(2026, 11, 23, 7, 0, 1, 5, tzinfo=datetime.UTC),
            actor_kind="system",
            actor_id="ingest_dsn",
            actor_label="Import « DSN »",
            action="record.stored",
            object_type="records.EmploymentPeriod",
            object_id="12345678-1234-5678-1234-567812345678",
            person_id=7,
            payload_digest="a" * 64,
            previous_hash="0" * 64,
        )
        == "fa5ce09a8620dc00f9d87850a4537308ce251affc53c6d6602d95726c0e34610"
    )
    assert (
        entry_hash(
            seq=1,
            occurred_at=datetime.datetime(2026, 11, 23, 8, 0, tzinfo=PARIS),
            actor_kind="user",
            actor_id="3",
            actor_label="",
            action="person.read",
            object_type="",
            object_id="",
            person_id=None,
            payload_digest="b" * 64,
            previous_hash="c" * 64,
        )
        == "5e0c7fd11691169586b567a0f52e0b43d4f465faa9848025fb80d1ee94a27c0c"
    )


def test_new_entry_is_the_entry_init_builds():
    values = {
        "seq": 3,
        "occurred_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        "actor_kind": "system",
        "actor_id": "x",
        "actor_label": "X",
        "action": "a",
        "object_type": "t",
        "object_id": "o",
        "person_id": None,
        "payload": {"k": 1},
        "payload_digest": "d" * 64,
        "previous_hash": "p" * 64,
        "hash": "h" * 64,
    }
    fast, slow = journal._new_entry(dict(values)), JournalEntry(**values)
    assert {k: v for k, v in fast.__dict__.items() if k != "_state"} == {
        k: v for k, v in slow.__dict__.items() if k != "_state"
    }
    assert vars(fast._state) == vars(slow._state)


def _records(person, org):
    provenance = records.Provenance(
        SourceKind.DSN,
        datetime.datetime(2026, 3, 29, 3, 15, tzinfo=PARIS),
        org,
        "DSN « mensuelle » n° 1",
    )
    holder = records.Provenance.from_holder(datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    build = records.build_record
    return [
        build(
            EmploymentPeriod,
            person,
            provenance,
            employer=org,
            employer_name=org.name,
            siret=org.siret,
            contract_number="00001",
            contract_nature="01",
            job_title="Soudeuse",
            start_date=datetime.date(2015, 3, 1),
            working_time_quotity=decimal.Decimal("151.67"),
        ),
        build(
            Certification,
            person,
            records.Provenance(SourceKind.ACCROCHAGE, provenance.received_at, org, "Acc"),
            certification_kind="RNCP",
            code="RNCP1",
            title="Titre",
            level=4,
            certifier=org,
            certifier_name=org.name,
            awarded_on=datetime.date(2020, 6, 30),
            valid_from=datetime.date(2020, 6, 30),
        ),
        build(
            PreventionTraining,
            person,
            records.Provenance(SourceKind.TRAINING_PROVIDER, provenance.received_at, org, "P"),
            declaration_kind="ADF",
            title="SST",
            start_date=datetime.date(2025, 1, 6),
            end_date=datetime.date(2025, 1, 7),
            valid_from=datetime.date(2025, 1, 7),
            valid_until=datetime.date(2027, 1, 7),
        ),
        build(
            Training,
            person,
            records.Provenance(SourceKind.MON_COMPTE_FORMATION, provenance.received_at, org),
            title="Formation",
            provider=org,
            provider_name=org.name,
            start_date=datetime.date(2024, 1, 1),
            end_date=datetime.date(2024, 2, 1),
            hours=35,
            funded_by_cpf=True,
        ),
        build(
            Engagement,
            person,
            records.Provenance(SourceKind.CEC, provenance.received_at, None, "CEC"),
            engagement_kind="BENEVOLAT",
            organisation_name="Asso",
            role="Trésorière",
            start_date=datetime.date(2023, 1, 1),
        ),
        build(DeclaredItem, person, holder, item_kind="LANGUE", title="Anglais"),
    ]


@pytest.mark.django_db
def test_store_many_writes_the_hashes_of_the_plain_formulas(system_actor):
    person, org = PersonFactory(), OrganisationFactory()
    journal.log_person_created(person, system_actor)
    built = _records(person, org)
    for record in built:
        assert record.content() == _reference_content(record)
    records.store_many(built, actor=system_actor)

    entries = list(JournalEntry.objects.order_by("seq"))
    assert [e.action for e in entries] == ["person.created"] + ["record.stored"] * len(built)
    previous = entries[0].hash
    for entry, record in zip(entries[1:], built, strict=True):
        assert entry.payload == {
            "lineage": str(record.lineage),
            "version": 1,
            "content_sha256": _reference_digest(_reference_content(record)),
        }
        assert entry.payload_digest == _reference_digest(entry.payload)
        assert entry.previous_hash == previous
        assert entry.hash == _reference_digest(
            [
                entry.seq,
                entry.occurred_at.isoformat(),
                entry.actor_kind,
                entry.actor_id,
                entry.actor_label,
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.person_id,
                entry.payload_digest,
                entry.previous_hash,
            ]
        )
        previous = entry.hash
    assert verify_journal().intact
