"""The ledger: movements appended, balances derived from them, reservations for training
files (issue #14 calls these), refusals, immutability."""

import pytest
from django.db import IntegrityError, connection, transaction

from passeport.cpf import ledger
from passeport.cpf.enums import MovementKind, MovementSource, Part
from passeport.cpf.models import CpfAccount, LedgerImmutableError, Movement
from passeport.journal.models import JournalEntry
from tests.factories import PersonFactory

from .helpers import ACTOR, account_with

pytestmark = pytest.mark.django_db


def test_open_account_is_idempotent_and_journaled():
    person = PersonFactory()
    first = ledger.open_account(person, actor=ACTOR)
    again = ledger.open_account(person, actor=ACTOR)
    assert first.pk == again.pk
    assert (
        JournalEntry.objects.filter(action="cpf.account_opened", person_id=person.pk).count() == 1
    )
    assert ledger.balances(first) == ledger.Balances()


def test_cpf_activation_opens_the_account():
    from passeport.people.services import activate_cpf_account

    person = PersonFactory(not_activated=True)
    activate_cpf_account(person, actor=ACTOR)
    assert CpfAccount.objects.filter(person=person).exists()


def test_credit_then_reservation_debit_release():
    account = account_with(PersonFactory(), 100_000)
    account = account_with(account.person, 30_000, part=Part.FUNDER)
    reserved = ledger.reserve(account, 50_000, reference="DF-1", actor=ACTOR)
    # Spending order: funders' credits first, then own rights.
    assert [(m.part, m.reserved_change) for m in reserved] == [
        (Part.FUNDER, 30_000),
        (Part.RIGHTS, 20_000),
    ]
    balances = ledger.balances(account)
    assert balances.euros == 130_000
    assert balances.available == 80_000
    debited = ledger.debit(account, reference="DF-1", actor=ACTOR, amount=40_000)
    assert sum(m.amount for m in debited) == -40_000
    assert all(m.related_seq == reserved[0].seq for m in debited)
    assert ledger.open_reservation(account, "DF-1") == {Part.RIGHTS: 10_000}
    ledger.release(account, reference="DF-1", actor=ACTOR, reason="annulation")
    assert ledger.open_reservation(account, "DF-1") == {}
    assert ledger.release(account, reference="DF-1", actor=ACTOR) == []  # idempotent
    final = ledger.balances(account)
    assert (final.euros, final.available, final.reserved) == (90_000, 90_000, 0)
    assert ledger.verify_account(account) == []
    actions = list(
        JournalEntry.objects.filter(object_id=str(account.public_id))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions.count("cpf.reservation") == 2 and "cpf.release" in actions


def test_reservation_beyond_available_is_refused_with_the_amounts():
    account = account_with(PersonFactory(), 50_000)
    ledger.reserve(account, 40_000, reference="DF-1", actor=ACTOR)
    with pytest.raises(ledger.InsufficientRights) as refused:
        ledger.reserve(account, 20_000, reference="DF-2", actor=ACTOR)
    assert "100,00 € disponibles, 200,00 € demandés" in refused.value.message
    assert ledger.balances(account).reserved == 40_000


def test_reservation_twice_for_one_file_and_debit_without_reservation_are_refused():
    account = account_with(PersonFactory(), 50_000)
    ledger.reserve(account, 10_000, reference="DF-1", actor=ACTOR)
    with pytest.raises(ledger.LedgerError):
        ledger.reserve(account, 10_000, reference="DF-1", actor=ACTOR)
    with pytest.raises(ledger.LedgerError):
        ledger.debit(account, reference="DF-9", actor=ACTOR)
    with pytest.raises(ledger.LedgerError):
        ledger.debit(account, reference="DF-1", actor=ACTOR, amount=20_000)


def test_spending_order_is_configurable(settings):
    settings.CPF_SPENDING_ORDER = ["cec", "rights", "funder"]
    account = account_with(PersonFactory(), 50_000)
    account = account_with(account.person, 24_000, part=Part.CEC)
    moves = ledger.reserve(account, 30_000, reference="DF-1", actor=ACTOR)
    assert [(m.part, m.reserved_change) for m in moves] == [
        (Part.CEC, 24_000),
        (Part.RIGHTS, 6_000),
    ]


def test_sequential_debits_that_would_overdraw_one_is_refused():
    account = account_with(PersonFactory(), 100_000)
    ledger.reserve(account, 60_000, reference="A", actor=ACTOR)
    with pytest.raises(ledger.InsufficientRights):
        ledger.reserve(account, 60_000, reference="B", actor=ACTOR)


def test_movements_are_immutable():
    account = account_with(PersonFactory(), 10_000)
    movement = account.movements.get()
    with pytest.raises(LedgerImmutableError):
        movement.save()
    with pytest.raises(LedgerImmutableError):
        movement.delete()
    with pytest.raises(LedgerImmutableError):
        Movement.objects.filter(pk=movement.pk).update(amount=1)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_update_and_delete_in_sql():
    account = account_with(PersonFactory(), 10_000)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cpf_movement SET amount = 1 WHERE account_id = %s", [account.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cpf_movement WHERE account_id = %s", [account.pk])


def test_a_writer_that_skipped_the_lock_cannot_append_the_same_number():
    """Behind the lock: two appends from the same last movement collide on (account, seq)."""
    account = account_with(PersonFactory(), 10_000)
    stale = ledger.balances(account)
    entry = ledger.Entry(
        kind=MovementKind.FUNDER_CREDIT,
        part=Part.FUNDER,
        amount=100,
        source_kind=MovementSource.FUNDER,
    )
    ledger.credit(
        account,
        Part.FUNDER,
        100,
        kind=MovementKind.FUNDER_CREDIT,
        source_kind=MovementSource.FUNDER,
        actor=ACTOR,
    )
    duplicate = ledger.build_movement(
        account.pk, entry, stale.apply(Part.FUNDER, 100), stale_day := account.opened_at.date()
    )
    assert stale_day
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_database_refuses_a_negative_balance():
    account = account_with(PersonFactory(), 10_000)
    entry = ledger.Entry(
        kind=MovementKind.DEBIT, part=Part.RIGHTS, amount=-20_000, source_kind="training_file"
    )
    current = ledger.balances(account)
    forged = ledger.build_movement(
        account.pk,
        entry,
        ledger.Balances(rights=-10_000, seq=current.seq + 1),
        account.opened_at.date(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    with pytest.raises(ledger.InsufficientRights):
        ledger.post(account, [entry], actor=ACTOR)


def test_verify_account_names_a_broken_running_balance():
    account = account_with(PersonFactory(), 10_000)
    entry = ledger.Entry(
        kind=MovementKind.FUNDER_CREDIT, part=Part.FUNDER, amount=500, source_kind="funder"
    )
    current = ledger.balances(account)
    # A movement whose running balance is not the sum (written around the ledger).
    wrong = ledger.build_movement(
        account.pk,
        entry,
        ledger.Balances(rights=10_000, funder=900, seq=current.seq + 1),
        account.opened_at.date(),
    )
    wrong.save()
    assert ledger.verify_account(account) == ["mouvement n° 2 : soldes différents de la somme"]
