"""Two acceptances that together would overdraw the holder's rights: the second waits
for the first's lock on the account and is refused (PostgreSQL, two real connections;
SQLite serialises writers and is covered by test_files.py)."""

import threading

import pytest
from django.db import (
    connection,  # noqa: F401 (read by the skipif condition)
    connections,
    transaction,
)
from django.utils import timezone

from passeport.catalog import files
from passeport.catalog.enums import FileState
from passeport.catalog.models import TrainingFile
from passeport.cpf import ledger
from tests.cpf.helpers import account_with
from tests.factories import PersonFactory

from .helpers import holder_actor, offer, provider, validated_file

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


def test_two_acceptances_overdrawing_one_is_refused():
    person = PersonFactory()
    account = account_with(person, 100_000)
    org = provider()
    first = validated_file(person, offer(org, ref="A", price_cents=100_000)[2])
    second = validated_file(person, offer(org, ref="B", price_cents=100_000)[2])
    today = timezone.localdate()
    holding, go_on = threading.Event(), threading.Event()

    def accept_first():
        with transaction.atomic():
            files.accept(first, actor=holder_actor(person), today=today, paid_cents=10_320)
            holding.set()
            go_on.wait(10)

    thread_a, outcome_a = _in_thread(accept_first)
    assert holding.wait(10)
    thread_b, outcome_b = _in_thread(
        lambda: files.accept(
            TrainingFile.objects.get(pk=second.pk),
            actor=holder_actor(person),
            today=today,
            paid_cents=10_320,
        )
    )
    thread_b.join(0.5)
    assert thread_b.is_alive(), "the second acceptance waits for the account's lock"
    go_on.set()
    thread_a.join(10)
    thread_b.join(10)
    assert "error" not in outcome_a
    assert isinstance(outcome_b.get("error"), files.FileError)
    states = dict(TrainingFile.objects.values_list("pk", "state"))
    assert states == {first.pk: FileState.ACCEPTED, second.pk: FileState.VALIDATED}
    balances = ledger.balances(account)
    assert balances.reserved == 89_680 and balances.available == 10_320
    assert ledger.verify_account(account) == []


def test_two_concurrent_invoices_of_one_provider_never_share_a_number():
    from passeport.catalog import billing

    from .helpers import PROVIDER_ACTOR, billable_file

    org = provider()
    made = []
    for ref in ("A", "B"):
        person = PersonFactory()
        account_with(person, 300_000)
        made.append(billable_file(person, offer(org, ref=ref)[2]))
    holding, go_on = threading.Event(), threading.Event()

    def invoice_first():
        with transaction.atomic():
            invoice = billing.invoice(made[0], actor=PROVIDER_ACTOR)
            holding.set()
            go_on.wait(10)
        return invoice.number

    thread_a, outcome_a = _in_thread(invoice_first)
    assert holding.wait(10)
    thread_b, outcome_b = _in_thread(
        lambda: billing.invoice(TrainingFile.objects.get(pk=made[1].pk), actor=PROVIDER_ACTOR)
    )
    thread_b.join(0.5)
    assert thread_b.is_alive(), "the second invoice waits for the provider's lock"
    go_on.set()
    thread_a.join(10)
    thread_b.join(10)
    assert "error" not in outcome_a and "error" not in outcome_b, (outcome_a, outcome_b)
    year = timezone.localdate().year
    assert outcome_a["result"] == f"F-{year}-000001"
    assert outcome_b["result"].number == f"F-{year}-000002"
