"""The purchase side: FundingTopUps.evaluate / commit / release / settle, envelopes,
alerts, query counts constant in the number of live rules."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passeport.funding.enums import CommitmentStatus, RuleStatus
from passeport.funding.lifecycle import TransitionError, move_rule
from passeport.funding.models import Commitment, Envelope, Rule, RuleTarget
from passeport.funding.purchase import FundingTopUps, PurchaseContext, TopUp
from passeport.journal.actors import Actor
from tests.factories import EmploymentPeriodFactory, PersonFactory, UserFactory
from tests.factories_funding import ConventionFactory, EnvelopeFactory, RuleFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")
DAY = datetime.date(2026, 6, 1)


def ctx(person, **values):
    base = {
        "person": person,
        "day": DAY,
        "price_cents": 300_000,
        "rights_cents": 100_000,
        "certification_code": "RNCP12345",
        "rome_codes": ("M1805",),
        "formacodes": ("31054",),
        "provider_siret": "1" * 14,
        "modality": "in_person",
        "department_code": "75",
        "region_code": "11",
    }
    return PurchaseContext(**{**base, **values})


@pytest.fixture
def region():
    return ConventionFactory(funder__name="Région Île-de-France").funder


def region_rule(funder, budget=10_000_000, **values):
    rule = RuleFactory(envelope=EnvelopeFactory(funder=funder, budget_cents=budget), **values)
    RuleTarget.objects.create(rule=rule, dimension="region", code="11")
    Rule.objects.filter(pk=rule.pk).update(has_region=True)
    return rule


def test_evaluate_commit_release_settle(region):
    rule = region_rule(region, exempts_contribution=True)
    person = PersonFactory()
    topups = FundingTopUps()
    expected = [TopUp("Région Île-de-France", 80_000, True, str(rule.public_id))]
    assert topups.evaluate(ctx(person)) == expected
    assert topups.evaluate(ctx(person, region_code="84")) == []
    assert Commitment.objects.count() == 0  # evaluate writes nothing
    assert topups.commit(ctx(person), "DOSSIER-1") == expected
    assert topups.commit(ctx(person), "DOSSIER-1") == expected  # the same file: once
    envelope = Envelope.objects.get(pk=rule.envelope_id)
    assert envelope.committed_cents == 80_000
    topups.release("DOSSIER-1")
    topups.release("DOSSIER-1")
    envelope.refresh_from_db()
    assert (envelope.committed_cents, envelope.consumed_cents) == (0, 0)
    topups.commit(ctx(person), "DOSSIER-2")
    topups.settle("DOSSIER-2", 3, 4)
    topups.settle("DOSSIER-2", 3, 4)
    envelope.refresh_from_db()
    assert (envelope.committed_cents, envelope.consumed_cents) == (0, 60_000)
    assert Commitment.objects.get(file_reference="DOSSIER-2").status == CommitmentStatus.SETTLED


def test_envelope_stops_and_alerts(region, mailoutbox, django_capture_on_commit_callbacks):
    member = UserFactory(email="finances@region.example")
    region.memberships.create(user=member, role="admin")
    rule = region_rule(region, budget=200_000)
    Envelope.objects.filter(pk=rule.envelope_id).update(alert_percent=50)
    topups = FundingTopUps()
    with django_capture_on_commit_callbacks(execute=True):
        first = topups.commit(ctx(PersonFactory()), "A")
    assert first[0].amount_cents == 80_000 and len(mailoutbox) == 0
    with django_capture_on_commit_callbacks(execute=True):
        topups.commit(ctx(PersonFactory()), "B")
    assert len(mailoutbox) == 1 and "seuil" in mailoutbox[0].subject
    # 40,000 left: the third purchase gets only that, the fourth nothing.
    assert topups.commit(ctx(PersonFactory()), "C")[0].amount_cents == 40_000
    assert topups.evaluate(ctx(PersonFactory())) == []
    assert topups.commit(ctx(PersonFactory()), "D") == []
    assert len(mailoutbox) == 1  # one alert per envelope


def test_per_holder_cap_counts_what_was_received(region):
    region_rule(region, per_holder_cap_cents=100_000)
    person = PersonFactory()
    topups = FundingTopUps()
    assert topups.commit(ctx(person), "A")[0].amount_cents == 80_000
    assert topups.commit(ctx(person), "B")[0].amount_cents == 20_000
    assert topups.commit(ctx(person), "C") == []
    topups.release("A")
    assert topups.evaluate(ctx(person))[0].amount_cents == 80_000


def test_employees_of_a_siret_from_the_dsn(region):
    rule = RuleFactory(envelope=EnvelopeFactory(funder=region), fixed_cents=50_000)
    RuleTarget.objects.create(rule=rule, dimension="employer", code="4" * 14)
    Rule.objects.filter(pk=rule.pk).update(has_employer=True)
    employee, other = PersonFactory(), PersonFactory()
    EmploymentPeriodFactory(person=employee, siret="4" * 14, start_date=datetime.date(2020, 1, 1))
    topups = FundingTopUps()
    assert [t.amount_cents for t in topups.evaluate(ctx(employee))] == [50_000]
    assert topups.evaluate(ctx(other)) == []


def test_nothing_live_without_convention_or_publication(region):
    rule = region_rule(region, status=RuleStatus.DRAFT, published_at=None)
    person = PersonFactory()
    assert FundingTopUps().evaluate(ctx(person)) == []
    move_rule(rule, RuleStatus.PUBLISHED, actor=ACTOR)
    assert len(FundingTopUps().evaluate(ctx(person))) == 1
    move_rule(rule, RuleStatus.SUSPENDED, actor=ACTOR)
    assert FundingTopUps().evaluate(ctx(person)) == []
    with pytest.raises(TransitionError):
        move_rule(rule, RuleStatus.DRAFT, actor=ACTOR)
    other = ConventionFactory(status="submitted").funder
    draft = region_rule(other, status=RuleStatus.DRAFT, published_at=None)
    with pytest.raises(TransitionError, match="convention"):
        move_rule(draft, RuleStatus.PUBLISHED, actor=ACTOR)
    assert [t.to_status for t in rule.transitions.all()] == ["published", "suspended"]


@pytest.mark.parametrize("count", [1, 200])
def test_query_count_constant_in_the_number_of_rules(region, count, django_assert_num_queries):
    envelope = EnvelopeFactory(funder=region)
    rules = Rule.objects.bulk_create(
        Rule(
            funder=region,
            envelope=envelope,
            name=f"R{i}",
            status=RuleStatus.PUBLISHED,
            fixed_cents=1_000,
            starts_on=datetime.date(2025, 1, 1),
            has_certification=True,
            published_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
        )
        for i in range(count)
    )
    RuleTarget.objects.bulk_create(
        RuleTarget(rule=rule, dimension="certification", code="RNCP12345") for rule in rules
    )
    person = PersonFactory()
    with CaptureQueriesContext(connection) as evaluated:
        assert len(FundingTopUps().evaluate(ctx(person))) == 1  # one rule per funder
    with django_assert_num_queries(4):  # employment, qualification, rules, received
        FundingTopUps().evaluate(ctx(person))
    assert len(evaluated) == 4


def test_funder_credit_cents_through_the_provider(region):
    from passeport.funding.enums import Channel
    from passeport.funding.orders import LineInput, OrderInput, confirm_payment, receive_order
    from tests.factories_funding import transfer_reference

    person = PersonFactory()
    result = receive_order(
        region,
        OrderInput(
            external_id="R-1",
            kind="voluntary",
            transfer_reference=transfer_reference(region),
            lines=[LineInput(2, person.reveal_nir(), person.birth_name, "120000")],
            restrictions={"formacode": ["31054"]},
        ),
        channel=Channel.API,
        actor=ACTOR,
    )
    assert FundingTopUps().funder_credit_cents(ctx(person)) == 0  # not paid yet
    confirm_payment(result.order, actor=ACTOR)
    assert FundingTopUps().funder_credit_cents(ctx(person)) == 120_000
    assert FundingTopUps().funder_credit_cents(ctx(person, formacodes=("99999",))) == 0


def test_ending_a_convention_closes_its_rules(region):
    from passeport.funding.enums import ConventionStatus
    from passeport.funding.lifecycle import decide_convention

    rule = region_rule(region)
    decide_convention(region.funding_conventions.get(), ConventionStatus.ENDED, actor=ACTOR)
    rule.refresh_from_db()
    assert rule.status == RuleStatus.CLOSED
    assert FundingTopUps().evaluate(ctx(PersonFactory())) == []


def test_a_convention_past_its_end_makes_nothing_live(region):
    region_rule(region)
    region.funding_conventions.update(ends_on=datetime.date(2026, 5, 31))
    assert FundingTopUps().evaluate(ctx(PersonFactory())) == []
