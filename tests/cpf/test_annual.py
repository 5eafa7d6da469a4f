"""compute_cpf_rights: acquisition from DSN hours, idempotence, corrections, report."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from passeport.cpf import annual, ledger
from passeport.cpf.enums import MovementKind
from passeport.cpf.models import CpfAccount, Movement
from passeport.ingest.dsn.models import DsnHoursWorked
from passeport.journal.models import JournalEntry
from passeport.journal.verification import verify_journal
from passeport.records.models import Certification
from tests.factories import PersonFactory

from .helpers import ACTOR, account_with, monthly_hours

pytestmark = pytest.mark.django_db


def _movements(person):
    return list(Movement.objects.filter(account__person=person).order_by("seq"))


def test_full_year_gives_500_and_opens_the_account():
    person = PersonFactory()
    monthly_hours(person, 2025, 1820)
    report = annual.compute_rights(2025)
    [movement] = _movements(person)
    assert (movement.kind, movement.amount, movement.year) == (
        MovementKind.ACQUISITION,
        50_000,
        2025,
    )
    assert movement.details["hours"] == "1820.00"
    assert movement.details["employers"] == {"35600000000048": "1820.00"}
    assert report.accounts_opened == 1 and report.outcomes["credited"] == 1
    assert JournalEntry.objects.filter(action="cpf.acquisition", person_id=person.pk).exists()


def test_hours_across_contracts_are_summed():
    person = PersonFactory()
    monthly_hours(person, 2025, 300, siret="35600000000048")
    monthly_hours(person, 2025, 600, siret="73282932000074")
    annual.compute_rights(2025)
    [movement] = _movements(person)
    assert movement.amount == 50_000  # 900 h ≥ 803.5 h
    assert set(movement.details["employers"]) == {"35600000000048", "73282932000074"}


def test_below_half_time_pro_rata():
    person = PersonFactory()
    monthly_hours(person, 2025, 400)
    report = annual.compute_rights(2025)
    assert _movements(person)[0].amount == 24_892
    assert report.outcomes["pro_rata"] == 1


def test_ceiling_applies_to_the_balance_before():
    person = PersonFactory()
    account_with(person, 480_000)
    monthly_hours(person, 2025, 1820)
    report = annual.compute_rights(2025)
    movement = _movements(person)[-1]
    assert movement.amount == 20_000 and movement.rights_after == 500_000
    assert report.outcomes["at_ceiling"] == 1


def test_at_ceiling_writes_a_zero_acquisition_that_explains_it():
    person = PersonFactory()
    account_with(person, 500_000)
    monthly_hours(person, 2025, 1820)
    annual.compute_rights(2025)
    movement = _movements(person)[-1]
    assert (movement.kind, movement.amount, movement.details["gross_cents"]) == (
        MovementKind.ACQUISITION,
        0,
        50_000,
    )


def test_low_qualified_declaration_unless_a_level_3_certification_is_known():
    declared = PersonFactory()
    account = ledger.open_account(declared, actor=ACTOR)
    CpfAccount.objects.filter(pk=account.pk).update(low_qualified=True)
    monthly_hours(declared, 2025, 1820)
    certified = PersonFactory()
    account = ledger.open_account(certified, actor=ACTOR)
    CpfAccount.objects.filter(pk=account.pk).update(low_qualified=True)
    monthly_hours(certified, 2025, 1820)
    from tests.factories import RecordFactory

    class CertificationFactory(RecordFactory):
        class Meta:
            model = Certification

    CertificationFactory(
        person=certified,
        source_kind="accrochage",
        certification_kind="RNCP",
        code="RNCP1",
        title="CAP Cuisine",
        level=3,
        awarded_on=datetime.date(2020, 6, 1),
    )
    annual.compute_rights(2025)
    assert _movements(declared)[0].amount == 80_000
    assert _movements(certified)[0].amount == 50_000


def test_rerun_changes_nothing():
    person = PersonFactory()
    monthly_hours(person, 2025, 1820)
    annual.compute_rights(2025)
    journal_before = JournalEntry.objects.count()
    report = annual.compute_rights(2025)
    assert len(_movements(person)) == 1
    assert report.outcomes["unchanged"] == 1 and report.accounts_opened == 0
    assert JournalEntry.objects.count() == journal_before


def test_corrected_dsn_gives_one_adjustment_with_the_reason():
    person = PersonFactory()
    monthly_hours(person, 2025, 400)
    annual.compute_rights(2025)
    # The employer's corrected DSN: 300 more hours in December.
    december = DsnHoursWorked.objects.get(person=person, period_start=datetime.date(2025, 12, 1))
    DsnHoursWorked.objects.filter(pk=december.pk).update(hours=december.hours + Decimal("300"))
    report = annual.compute_rights(2025)
    acquisition, adjustment = _movements(person)
    assert adjustment.kind == MovementKind.ADJUSTMENT
    assert adjustment.related_seq == acquisition.seq
    # 700 h → 500 × 700 ÷ 803.5 = 435.594… → 435.60 €, minus 248.92 € already credited.
    assert adjustment.amount == 43_560 - 24_892
    assert adjustment.rights_after == 43_560
    assert "DSN corrigée" in adjustment.reason and "700" in adjustment.reason
    assert report.outcomes["adjusted"] == 1
    annual.compute_rights(2025)  # and again: nothing more
    assert len(_movements(person)) == 2
    assert ledger.verify_account(CpfAccount.objects.get(person=person)) == []


def test_correction_downwards_never_takes_back_what_was_spent():
    person = PersonFactory()
    monthly_hours(person, 2025, 1820)
    annual.compute_rights(2025)
    account = CpfAccount.objects.get(person=person)
    ledger.reserve(account, 45_000, reference="DF-1", actor=ACTOR)
    ledger.debit(account, reference="DF-1", actor=ACTOR)
    DsnHoursWorked.objects.filter(person=person).update(hours=Decimal("10"))
    annual.compute_rights(2025)
    adjustment = _movements(person)[-1]
    assert adjustment.kind == MovementKind.ADJUSTMENT
    assert adjustment.amount == -5_000 and adjustment.rights_after == 0


def test_no_hours_nothing_credited_and_dry_run_writes_nothing():
    person = PersonFactory()
    monthly_hours(person, 2025, 0)
    empty = annual.compute_rights(2025)
    assert empty.outcomes["nothing"] == 1 and not _movements(person)
    other = PersonFactory()
    monthly_hours(other, 2025, 1820)
    journal_before = JournalEntry.objects.count()
    report = annual.compute_rights(2025, dry_run=True)
    assert report.outcomes["credited"] == 1 and report.credited_cents == 50_000
    assert not CpfAccount.objects.filter(person=other).exists()
    assert JournalEntry.objects.count() == journal_before


def test_small_batches_cover_every_person_and_keep_the_journal_intact():
    persons = [PersonFactory() for _ in range(7)]
    for index, person in enumerate(persons):
        monthly_hours(person, 2025, 200 * (index + 1))
    report = annual.compute_rights(2025, batch_size=2)
    assert report.holders == 7
    assert Movement.objects.filter(kind=MovementKind.ACQUISITION, year=2025).count() == 7
    assert verify_journal().intact


def test_command_report_without_nir(tmp_path):
    person = PersonFactory()
    monthly_hours(person, 2025, 400)
    out = tmp_path / "rapport.json"
    call_command("compute_cpf_rights", "--year", "2025", "--report", str(out), "--no-progress")
    report = json.loads(out.read_text())
    assert report["par_motif"]["pro_rata"]["nombre"] == 1
    assert report["credite"] == "248.92"
    assert person.reveal_nir()[:13] not in out.read_text()
    with pytest.raises(CommandError):
        call_command("compute_cpf_rights", "--year", "2017", "--no-progress")
