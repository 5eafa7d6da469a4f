import datetime

import pytest
from django.core.management import call_command

from passeport.ingest.dsn.deposits import ingest_file
from passeport.ingest.dsn.generator import synthetic_groups, write_dsn
from passeport.ingest.dsn.reader import DsnReader
from passeport.journal.verification import verify_journal
from passeport.records.enums import RecordStatus, SourceKind
from passeport.records.models import EmploymentPeriod
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("envelope", [False, True])
@pytest.mark.parametrize("month", ["2024-06", "2025-06", "2026-06"])
def test_synthetic_file_is_valid_for_the_reader(tmp_path, month, envelope):
    path = tmp_path / "synthetique.dsn"
    declared = datetime.date.fromisoformat(f"{month}-01")
    with path.open("wb") as out:
        written = write_dsn(
            out, synthetic_groups(120, declared, seed=3), month=declared, envelope=envelope
        )
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF throughout
    reader = DsnReader(path)
    declarations = 0
    individuals = 0
    for declaration in reader.declarations():
        declarations += 1
        individuals += sum(1 for _ in declaration.individuals())
        assert declaration.violations == [], declaration.violations[:3]
    assert reader.file_violations == []
    assert reader.has_envelope is envelope
    assert (written, individuals, declarations) == (120, 120, 3)


def test_generated_from_database_round_trip(tmp_path, capsys):
    persons = PersonFactory.create_batch(7)
    first = tmp_path / "2026-01.dsn"
    call_command(
        "generate_dsn",
        "--individuals",
        "7",
        "--month",
        "2026-01",
        "--output",
        str(first),
        "--from-database",
        "--per-establishment",
        "3",
    )
    result = ingest_file(first)
    assert result.report["totaux"]["periodes_creees"] == 7
    assert result.report["totaux"]["individus_rejetes"] == 0
    assert result.report["totaux"]["declarations"] == 3
    # Next month, from the database again: the same contracts, nothing to change.
    second = tmp_path / "2026-02.dsn"
    call_command(
        "generate_dsn",
        "--individuals",
        "7",
        "--month",
        "2026-02",
        "--output",
        str(second),
        "--from-database",
        "--envelope",
    )
    again = ingest_file(second)
    assert again.report["totaux"]["periodes_inchangees"] == 7
    assert again.report["totaux"]["periodes_creees"] == 0
    assert again.report["totaux"]["periodes_mises_a_jour"] == 0
    periods = EmploymentPeriod.objects.filter(status=RecordStatus.ACTIVE)
    assert {p.person_id for p in periods} == {p.pk for p in persons}
    assert all(p.source_kind == SourceKind.DSN for p in periods)
    assert verify_journal().intact
