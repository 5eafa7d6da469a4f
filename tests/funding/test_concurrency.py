"""Eight simultaneous acceptances for an envelope that covers three: exactly three are
committed, the envelope is never overspent. On PostgreSQL, real connections in threads;
SQLite serialises writers (IMMEDIATE transactions)."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction  # noqa: F401 (skipif)

from passeport.funding.models import Commitment, Envelope
from passeport.funding.purchase import FundingTopUps, PurchaseContext
from tests.factories import PersonFactory
from tests.factories_funding import ConventionFactory, EnvelopeFactory, RuleFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]


def test_envelope_never_overspent_under_concurrent_acceptances():
    funder = ConventionFactory().funder
    rule = RuleFactory(envelope=EnvelopeFactory(funder=funder, budget_cents=240_000))
    persons = [PersonFactory() for _ in range(8)]
    barrier = threading.Barrier(8)
    outcomes = {}

    def accept(index):
        try:
            barrier.wait(10)
            context = PurchaseContext(
                person=persons[index],
                day=datetime.date(2026, 6, 1),
                price_cents=300_000,
                rights_cents=0,
                certification_code="RNCP12345",
                rome_codes=(),
                formacodes=(),
                provider_siret="1" * 14,
                modality="in_person",
                department_code="75",
                region_code="11",
            )
            with transaction.atomic():  # the caller's transaction (the file's acceptance)
                outcomes[index] = FundingTopUps().commit(context, f"F{index}")
        except Exception as error:  # reported to the test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(isinstance(value, list) for value in outcomes.values()), outcomes
    given = [value[0].amount_cents for value in outcomes.values() if value]
    assert sorted(given) == [80_000, 80_000, 80_000]
    envelope = Envelope.objects.get(pk=rule.envelope_id)
    assert envelope.committed_cents == 240_000
    assert Commitment.objects.count() == 3
