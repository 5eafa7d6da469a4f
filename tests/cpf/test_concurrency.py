"""Two simultaneous debits that together would overdraw: one is refused. On PostgreSQL,
with real connections in two threads; SQLite serialises writers (IMMEDIATE transactions),
where the sequential case is tested in test_ledger.py."""

import threading

import pytest
from django.db import connection, connections, transaction

from passeport.cpf import ledger
from passeport.cpf.models import CpfAccount
from tests.factories import PersonFactory

from .helpers import ACTOR, account_with

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]


def _in_thread(target):
    outcome = {}

    def run():
        try:
            outcome["result"] = target()
        except Exception as error:  # reported to the test
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_second_debit_waits_for_the_first_and_is_refused():
    account = account_with(PersonFactory(), 100_000)
    holding, go_on = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            moves = ledger.reserve(account, 60_000, reference="A", actor=ACTOR)
            holding.set()
            go_on.wait(10)  # still holding the account's lock
        return moves

    thread_a, outcome_a = _in_thread(first)
    assert holding.wait(10)
    thread_b, outcome_b = _in_thread(
        lambda: ledger.reserve(
            CpfAccount.objects.get(pk=account.pk), 60_000, reference="B", actor=ACTOR
        )
    )
    thread_b.join(0.5)
    assert thread_b.is_alive(), "the second debit must wait for the account's lock"
    go_on.set()
    thread_a.join(10)
    thread_b.join(10)
    assert "result" in outcome_a
    assert isinstance(outcome_b.get("error"), ledger.InsufficientRights)
    balances = ledger.balances(account)
    assert (balances.reserved, balances.available) == (60_000, 40_000)
    assert ledger.verify_account(account) == []


def test_many_simultaneous_debits_never_overdraw():
    account = account_with(PersonFactory(), 100_000)
    barrier = threading.Barrier(6)

    def attempt(index):
        def run():
            barrier.wait(10)
            mine = CpfAccount.objects.get(pk=account.pk)
            return ledger.reserve(mine, 30_000, reference=f"F{index}", actor=ACTOR)

        return run

    started = [_in_thread(attempt(index)) for index in range(6)]
    for thread, _outcome in started:
        thread.join(20)
    succeeded = [o for _t, o in started if "result" in o]
    refused = [o for _t, o in started if isinstance(o.get("error"), ledger.InsufficientRights)]
    assert (len(succeeded), len(refused)) == (3, 3)
    assert ledger.balances(account).reserved == 90_000
    assert ledger.verify_account(account) == []
    assert connection.vendor == "postgresql"
