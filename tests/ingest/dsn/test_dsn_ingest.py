import json

import pytest
from django.core.management import call_command

from passeport.ingest.dsn.deposits import ingest_file
from passeport.ingest.dsn.models import DepositStatus, DsnDeposit, DsnHoursWorked
from passeport.journal.verification import verify_journal
from passeport.organisations.models import Organisation
from passeport.records.enums import RecordStatus, SourceKind
from passeport.records.models import EmploymentPeriod
from tests.ingest.dsn.dsn_fixtures import DEPOSIT, FEBRUARY, JANUARY

pytestmark = pytest.mark.django_db


def totals(result):
    return result.report["totaux"]


def test_monthly_file_creates_periods_and_reports_unattached_individuals(holders, dsn_file):
    result = ingest_file(dsn_file(JANUARY))

    assert totals(result) | {} == totals(result)
    assert totals(result)["periodes_creees"] == 2
    assert totals(result)["individus"] == 4
    assert totals(result)["individus_rejetes"] == 2
    assert result.deposit.status == DepositStatus.PROCESSED
    assert result.report["encodage"] == "iso-8859-1"
    zoe = EmploymentPeriod.objects.get(person=holders["zoe"])
    assert zoe.source_kind == SourceKind.DSN
    assert zoe.siret == "12345678200010"
    assert zoe.contract_number == "00001"
    assert zoe.job_title == "Boulangère"  # ISO-8859-1 decoded
    assert str(zoe.working_time_quotity) == "151.67"
    assert zoe.start_date.isoformat() == "2020-09-01"
    assert zoe.end_date is None
    assert zoe.source_reference == f"{JANUARY}:ligne 43"
    assert zoe.declarant.siret == "12345678200010"
    employer = Organisation.objects.get(siret="12345678200010")
    assert employer.is_employer
    assert employer.naf_code == "10.71C"
    assert employer.name == "Boulangerie Lefèvre SARL"  # the emitter is the company itself
    hours = DsnHoursWorked.objects.get(lineage=zoe.lineage)
    assert str(hours.hours) == "151.67"
    rejected = result.report["declarations"][0]["individus_rejetes"]
    by_code = {r["code"]: r for r in rejected}
    # Claire's DSN birth year (1979) disagrees with her NIR (1978): not attached.
    mismatch = by_code["nir_birth_year"]
    assert mismatch["controle"] == "S21.G00.30.006/CCH-11"
    assert mismatch["nir"] == "2 78 07 ** *** ***"
    assert "1979" in mismatch["motif"]
    assert by_code["temporary_number_only"]["ligne"] > mismatch["ligne"]
    assert not EmploymentPeriod.objects.filter(person=holders["claire"]).exists()
    assert verify_journal().intact


def test_same_file_twice_changes_nothing(holders, dsn_file):
    path = dsn_file(JANUARY)
    first = ingest_file(path)
    periods = list(EmploymentPeriod.objects.order_by("pk").values())
    second = ingest_file(path)

    assert totals(second)["periodes_creees"] == 0
    assert totals(second)["periodes_mises_a_jour"] == 0
    assert totals(second)["periodes_inchangees"] == 2
    assert totals(second)["heures_inchangees"] == 2
    assert list(EmploymentPeriod.objects.order_by("pk").values()) == periods
    assert second.deposit.duplicate_of == first.deposit
    assert second.report["deja_recu_le"] == first.deposit.received_at.isoformat()
    assert DsnDeposit.objects.count() == 2
    assert verify_journal().intact


def test_next_month_unchanged_and_contract_end_is_a_revision(holders, dsn_file):
    ingest_file(dsn_file(JANUARY))
    before = EmploymentPeriod.objects.get(person=holders["amadou"])

    result = ingest_file(dsn_file(FEBRUARY))

    assert result.report["enveloppe"] is True
    assert result.report["encodage"] == "utf-8"
    assert totals(result)["periodes_inchangees"] == 1  # Zoé: same contract, nothing new
    assert totals(result)["periodes_mises_a_jour"] == 1  # Amadou: S21.G00.62 arrived
    before.refresh_from_db()
    assert before.status == RecordStatus.SUPERSEDED
    current = EmploymentPeriod.objects.get(person=holders["amadou"], status=RecordStatus.ACTIVE)
    assert current.lineage == before.lineage
    assert current.version == 2
    assert current.end_date.isoformat() == "2025-02-21"
    assert current.end_reason == "031"
    assert "date de fin" in current.status_reason
    assert current.source_reference.startswith(FEBRUARY)
    # February's hours are a new pay period of the same lineage.
    assert DsnHoursWorked.objects.filter(lineage=current.lineage).count() == 2
    again = ingest_file(dsn_file(FEBRUARY))
    assert totals(again)["periodes_inchangees"] == 2
    assert EmploymentPeriod.objects.filter(person=holders["amadou"]).count() == 2
    assert verify_journal().intact


def test_malformed_declaration_is_all_or_nothing_and_the_next_one_is_kept(holders, dsn_file):
    result = ingest_file(dsn_file(DEPOSIT))
    by_number = {d["numero"]: d for d in result.report["declarations"]}

    assert [by_number[n]["statut"] for n in (1, 2, 3, 4)] == [
        "intégrée",
        "rejetée",
        "ignorée",
        "intégrée",
    ]
    malformed = by_number[2]
    # Its first individual was valid, and still nothing of it was kept.
    assert malformed["periodes"]["creees"] == 0
    assert not EmploymentPeriod.objects.filter(contract_number__in=["00010", "00011"]).exists()
    assert (
        not Organisation.objects.filter(siret="12345678200028", is_employer=True)
        .exclude(pk__in=EmploymentPeriod.objects.values("employer"))
        .exists()
    )
    assert {a["rubrique"] for a in malformed["anomalies"]} >= {
        "S21.G00.40.001",
        "S21.G00.30.006",
    }
    assert any(a["controle"] == "S21.G00.30.006/CSL-11" for a in malformed["anomalies"])
    assert "04" in by_number[3]["motif"]
    # The single contract end (nature 07) that follows is kept, ended.
    fctu = EmploymentPeriod.objects.get(contract_number="EXTRA-0001")
    assert fctu.end_date.isoformat() == "2026-03-15"
    assert fctu.siret == "12345678200028"
    second_employer = EmploymentPeriod.objects.get(contract_number="DEV-2026-01")
    assert second_employer.employer.naf_code == "62.01Z"
    assert second_employer.employer.name == "Établissement 87654321600033"
    assert result.deposit.status == DepositStatus.PARTIAL
    assert verify_journal().intact


def test_bad_encoding_rejects_the_declaration(holders, dsn_file, tmp_path):
    source = dsn_file(JANUARY).read_bytes()
    # A Windows-1252 apostrophe (0x92) is not ISO-8859-1.
    broken = tmp_path / "cp1252.dsn"
    broken.write_bytes(source.replace(b"'Claire'", b"'Cl\x92aire'"))
    result = ingest_file(broken)
    declaration = result.report["declarations"][0]
    assert declaration["statut"] == "rejetée"
    assert "Windows-1252" in declaration["anomalies"][0]["motif"]
    assert not EmploymentPeriod.objects.exists()

    mixed = tmp_path / "mixed.dsn"
    mixed.write_bytes(source.replace(b"'Claire'", "'Clàire'".encode()))
    declaration = ingest_file(mixed).report["declarations"][0]
    assert declaration["statut"] == "rejetée"
    assert "encodage mixte" in declaration["anomalies"][0]["motif"]

    utf16 = tmp_path / "utf16.dsn"
    utf16.write_bytes(source.decode("iso-8859-1").encode("utf-16"))
    result = ingest_file(utf16)
    assert result.deposit.status == DepositStatus.REJECTED
    assert "UTF-16" in result.report["anomalies_fichier"][0]["motif"]


def test_lf_and_crlf_read_alike(holders, dsn_file, tmp_path):
    source = dsn_file(JANUARY).read_bytes()
    assert b"\r\n" in source
    lf = tmp_path / "lf.dsn"
    lf.write_bytes(source.replace(b"\r\n", b"\n"))
    assert totals(ingest_file(lf))["periodes_creees"] == 2


def test_command_report_never_contains_a_nir(holders, dsn_file, tmp_path, capsys):
    report = tmp_path / "report.json"
    call_command(
        "ingest_dsn",
        str(dsn_file(JANUARY)),
        str(dsn_file(DEPOSIT)),
        "--report",
        str(report),
        "--no-progress",
    )
    out = capsys.readouterr().out
    assert "Périodes d'emploi : 2 créées" in out
    assert "numéro technique temporaire" in out
    text = report.read_text(encoding="utf-8")
    data = json.loads(text)
    assert len(data["fichiers"]) == 2
    for nir13 in ("2850375107123", "1901169381045", "2780713201007"):
        assert nir13 not in text
        assert nir13 not in out
    for deposit in DsnDeposit.objects.all():
        assert "2780713201007" not in json.dumps(deposit.report)
