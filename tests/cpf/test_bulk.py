"""cpf.bulk.post_many: many accounts in one transaction, with the rules of one `post`."""

import pytest
from django.db import transaction

from passeport.cpf import bulk, ledger
from passeport.cpf.enums import MovementKind, MovementSource, Part
from passeport.cpf.models import CpfAccount, Movement
from passeport.journal.models import JournalEntry
from tests.factories import PersonFactory

from .helpers import ACTOR

pytestmark = pytest.mark.django_db


def _credit(amount, **fields):
    return ledger.Entry(
        kind=MovementKind.FUNDER_CREDIT,
        part=Part.FUNDER,
        amount=amount,
        source_kind=MovementSource.FUNDER,
        **fields,
    )


def test_one_batch_numbers_each_account_from_its_last_movement():
    known, new = PersonFactory(), PersonFactory()
    account = ledger.open_account(known, actor=ACTOR)
    ledger.credit(
        account, Part.FUNDER, 1_000, kind=MovementKind.FUNDER_CREDIT,
        source_kind=MovementSource.FUNDER, actor=ACTOR,
    )  # fmt: skip
    with transaction.atomic():
        bulk.post_many(
            [(known.pk, _credit(10_000)), (new.pk, _credit(3_000)), (known.pk, _credit(5_000))],
            actor=ACTOR,
        )
    rows = list(
        Movement.objects.filter(account=account).order_by("seq").values_list("seq", "funder_after")
    )
    assert rows == [(1, 1_000), (2, 11_000), (3, 16_000)]
    opened = CpfAccount.objects.get(person=new)
    assert ledger.balances(opened).funder == 3_000
    assert ledger.verify_account(account) == [] and ledger.verify_account(opened) == []
    # The new account's opening is journaled with its first movement, once.
    events = JournalEntry.objects.filter(action="cpf.funder_credit").order_by("pk")
    assert [e.payload.get("account_opened", False) for e in events] == [
        False, False, True, False,
    ]  # fmt: skip


def test_a_batch_that_would_overdraw_is_refused_whole():
    person, other = PersonFactory(), PersonFactory()
    debit = ledger.Entry(
        kind=MovementKind.FUNDER_CREDIT, part=Part.FUNDER, amount=-1,
        source_kind=MovementSource.FUNDER,
    )  # fmt: skip
    with pytest.raises(ledger.LedgerError), transaction.atomic():
        bulk.post_many([(other.pk, _credit(500)), (person.pk, debit)], actor=ACTOR)
    assert (
        not Movement.objects.exists()
        and not JournalEntry.objects.filter(action="cpf.funder_credit").exists()
    )
