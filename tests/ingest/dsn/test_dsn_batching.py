"""Declarations are written several at a time; each stays all or nothing."""

import datetime

import pytest
from django.db import IntegrityError

from passeport.ingest.dsn.deposits import DepositFailed, ingest_file
from passeport.ingest.dsn.generator import (
    Establishment,
    GeneratedContract,
    _person_individual,
    establishment_sizes,
    write_dsn,
)
from passeport.ingest.dsn.models import DepositStatus, DsnDeposit
from passeport.journal.verification import verify_journal
from passeport.organisations.siret import make_siren, make_siret
from passeport.records import services as records_services
from passeport.records.enums import RecordStatus
from passeport.records.models import EmploymentPeriod
from tests.factories import PersonFactory
from tests.ingest.dsn.dsn_fixtures import DEPOSIT

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2026, 1, 1)


def _establishment(number: int) -> Establishment:
    return Establishment(make_siret(make_siren(f"{40_000_000 + number:08d}"), "0001"), "6201Z")


def _individual(person, number: str, end: datetime.date | None = None):
    individual = _person_individual(person)
    individual.contracts.append(
        GeneratedContract(
            number=number,
            start_date=datetime.date(2020, 1, 1),
            job_title="Développeur informatique",
            pcs_ese="388a",
            end_date=end,
            end_reason="031" if end else "",
        )
    )
    return individual


def _file(tmp_path, groups, name="depot.dsn"):
    path = tmp_path / name
    with path.open("wb") as out:
        write_dsn(out, groups, month=MONTH)
    return path


def _periods():
    return sorted(
        EmploymentPeriod.objects.values_list(
            "siret", "contract_number", "version", "status", "end_date"
        )
    )


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_same_result_whatever_the_batching(holders, dsn_file, batch_size):
    """One declaration per transaction, streamed, or several grouped: the same outcome."""
    result = ingest_file(dsn_file(DEPOSIT), batch_size=batch_size)
    statuses = [d["statut"] for d in result.report["declarations"]]
    assert statuses == ["intégrée", "rejetée", "ignorée", "intégrée"]
    assert not EmploymentPeriod.objects.filter(contract_number__in=["00010", "00011"]).exists()
    assert EmploymentPeriod.objects.filter(contract_number="EXTRA-0001").exists()
    assert result.report["declarations"][1]["periodes"]["creees"] == 0
    assert verify_journal().intact


def test_a_contract_revised_by_a_later_declaration_of_the_same_group(tmp_path):
    """Created by one declaration, ended by the next one of the same group: a revision,
    as when the two are written one after the other."""
    person = PersonFactory()
    where = _establishment(1)
    path = _file(
        tmp_path,
        [
            (where, [_individual(person, "00001")]),
            (where, [_individual(person, "00001", end=datetime.date(2026, 1, 20))]),
        ],
    )
    result = ingest_file(path)
    first, second = result.report["declarations"]
    assert (first["statut"], second["statut"]) == ("intégrée", "intégrée"), first["anomalies"][:3]
    assert (first["periodes"]["creees"], second["periodes"]["mises_a_jour"]) == (1, 1)
    grouped = _periods()
    assert [(v, s) for _si, _n, v, s, _e in grouped] == [
        (1, RecordStatus.SUPERSEDED),
        (2, RecordStatus.ACTIVE),
    ]
    assert verify_journal().intact


def test_a_failing_group_is_written_again_one_declaration_at_a_time(tmp_path, monkeypatch):
    """A database error in the second declaration of a group: the first is kept, the
    second keeps nothing, and the error goes up as when written alone; the deposit ends
    failed, its report saying which declaration was kept and which were not."""
    persons = PersonFactory.create_batch(3)
    path = _file(
        tmp_path,
        [
            (_establishment(1), [_individual(persons[0], "00011")]),
            (_establishment(2), [_individual(persons[1], "00666")]),
            (_establishment(3), [_individual(persons[2], "00013")]),
        ],
    )
    store_many = records_services.store_many

    def failing(records, **kwargs):
        if any(record.contract_number == "00666" for record in records):
            raise IntegrityError("simulated")
        return store_many(records, **kwargs)

    monkeypatch.setattr(records_services, "store_many", failing)
    with pytest.raises(DepositFailed) as failure:
        ingest_file(path)
    assert isinstance(failure.value.__cause__, IntegrityError)
    assert set(EmploymentPeriod.objects.values_list("contract_number", flat=True)) == {"00011"}
    assert verify_journal().intact
    deposit = DsnDeposit.objects.get()
    assert deposit.status == DepositStatus.FAILED
    assert deposit.finished_at is not None
    assert deposit.report["erreur"].startswith("Erreur interne pendant le traitement")
    assert [d["statut"] for d in deposit.report["declarations"]] == [
        "intégrée",
        "interrompue",
        "interrompue",
    ]
    assert deposit.report["totaux"]["periodes_creees"] == 1


def test_large_declaration_streams_and_a_late_violation_keeps_nothing(tmp_path):
    persons = PersonFactory.create_batch(5)
    where = _establishment(4)
    path = _file(tmp_path, [(where, [_individual(p, f"0010{i}") for i, p in enumerate(persons)])])
    broken = tmp_path / "broken.dsn"
    raw = path.read_bytes()
    # The last individual's contract start date is not a date: the declaration is rejected.
    last = raw.rfind(b"S21.G00.40.001,'01012020'")
    broken.write_bytes(raw[:last] + b"S21.G00.40.001,'31022020'" + raw[last + 25 :])
    result = ingest_file(broken, batch_size=2)
    assert result.report["declarations"][0]["statut"] == "rejetée"
    assert not EmploymentPeriod.objects.exists()
    result = ingest_file(path, batch_size=2)
    assert result.report["totaux"]["periodes_creees"] == 5
    assert result.report["declarations"][0]["individus"] == 5


def test_realistic_establishment_sizes():
    import random

    sizes = establishment_sizes(random.Random(1))
    drawn = [next(sizes) for _ in range(5000)]
    assert min(drawn) >= 1 and max(drawn) <= 2000
    assert sum(size for size in drawn if size >= 250) > 0.2 * sum(drawn)
    assert sum(size < 10 for size in drawn) > len(drawn) / 2  # most are small
    fixed = establishment_sizes(random.Random(1), 50)
    assert {next(fixed) for _ in range(10)} == {50}
