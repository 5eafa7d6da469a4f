"""Compte d'engagement citoyen: thresholds, 240 € / 720 €, the passport entry, the
volunteer ↔ association round trip with its dates."""

import datetime

import pytest

from passeport.cpf import cec, ledger
from passeport.cpf.enums import CecActivity, CecStatus, Channel, MovementKind
from passeport.cpf.models import CecDeclaration, CpfAccount
from passeport.journal.models import JournalEntry
from passeport.records.enums import EngagementKind, SourceKind
from passeport.records.models import Engagement
from tests.factories import PersonFactory

from .helpers import ACTOR, civic_body

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 15)


def _declare(body, person, activity, quantity, year=2025, **extra):
    return cec.declare_by_body(
        body,
        person,
        activity=activity,
        year=year,
        quantity=quantity,
        channel=Channel.WEB,
        actor=ACTOR,
        today=TODAY,
        **extra,
    )


def _cec_balance(person):
    return ledger.balances(CpfAccount.objects.get(person=person)).cec


def test_validated_activity_credits_240_and_adds_a_guaranteed_engagement():
    sdis = civic_body(CecActivity.VOLUNTEER_FIREFIGHTER, name="SDIS du Rhône")
    person = PersonFactory()
    declaration = _declare(sdis, person, CecActivity.VOLUNTEER_FIREFIGHTER, 120)
    assert declaration.status == CecStatus.VALIDATED
    assert declaration.credited_cents == 24_000
    assert _cec_balance(person) == 24_000
    entry = Engagement.objects.get(person=person)
    assert entry.source_kind == SourceKind.CEC and entry.is_guaranteed
    assert entry.declarant_id == sdis.pk
    assert (entry.engagement_kind, entry.hours) == (EngagementKind.VOLUNTEER_FIREFIGHTER, 120)
    assert declaration.engagement_lineage == entry.lineage
    assert list(declaration.transitions.values_list("to_status", flat=True)) == ["validated"]
    assert JournalEntry.objects.filter(action="cpf.cec_credit", person_id=person.pk).exists()


def test_below_threshold_is_refused_with_the_reason():
    reserve = civic_body(CecActivity.MILITARY_RESERVE)
    with pytest.raises(cec.CecError) as refused:
        _declare(reserve, PersonFactory(), CecActivity.MILITARY_RESERVE, 60)
    assert "Seuil non atteint" in refused.value.message and "90 jours" in refused.value.message
    assert not CecDeclaration.objects.exists()


def test_a_body_only_validates_its_own_activities():
    sdis = civic_body(CecActivity.VOLUNTEER_FIREFIGHTER)
    with pytest.raises(cec.CecError):
        _declare(sdis, PersonFactory(), CecActivity.SERVICE_CIVIQUE, 8)


def test_ceiling_720_for_the_cec_part():
    person = PersonFactory()
    activities = [
        (CecActivity.SERVICE_CIVIQUE, 8),
        (CecActivity.MILITARY_RESERVE, 95),
        (CecActivity.HEALTH_RESERVE, 40),
        (CecActivity.CIVIC_RESERVE, 100),
    ]
    for activity, quantity in activities:
        _declare(civic_body(activity), person, activity, quantity)
    assert _cec_balance(person) == 72_000
    last = CecDeclaration.objects.get(person=person, activity=CecActivity.CIVIC_RESERVE)
    assert last.status == CecStatus.VALIDATED and last.credited_cents == 0
    zero = CpfAccount.objects.get(person=person).movements.get(activity=CecActivity.CIVIC_RESERVE)
    assert (zero.kind, zero.amount) == (MovementKind.CEC_CREDIT, 0)


def test_same_activity_same_year_once_and_under_16_refused():
    sdis = civic_body(CecActivity.VOLUNTEER_FIREFIGHTER)
    person = PersonFactory()
    _declare(sdis, person, CecActivity.VOLUNTEER_FIREFIGHTER, 100)
    with pytest.raises(cec.CecError):
        _declare(sdis, person, CecActivity.VOLUNTEER_FIREFIGHTER, 100)
    young = PersonFactory(birth_year=2011)
    with pytest.raises(cec.CecError) as refused:
        _declare(sdis, young, CecActivity.VOLUNTEER_FIREFIGHTER, 100)
    assert "16 ans" in refused.value.message


def test_association_hours_200_of_which_100_in_one_across_associations():
    first = civic_body(CecActivity.ASSOCIATION_LEADER, name="Les Amis du quartier")
    second = civic_body(CecActivity.ASSOCIATION_LEADER, name="Club de foot")
    person = PersonFactory()
    waiting = _declare(first, person, CecActivity.ASSOCIATION_LEADER, 120)
    assert waiting.status == CecStatus.CONFIRMED
    assert not CpfAccount.objects.filter(person=person).exists()
    _declare(second, person, CecActivity.ASSOCIATION_LEADER, 90)
    waiting.refresh_from_db()
    assert waiting.status == CecStatus.VALIDATED
    assert _cec_balance(person) == 24_000  # once for the year's activity
    assert Engagement.objects.filter(person=person).count() == 2


def test_association_declared_recently_is_refused(settings):
    settings.CPF_CEC_ASSOCIATION_MIN_YEARS = 3
    young = civic_body(CecActivity.ASSOCIATION_LEADER, declared_on=datetime.date(2023, 9, 1))
    with pytest.raises(cec.CecError) as refused:
        _declare(young, PersonFactory(), CecActivity.ASSOCIATION_LEADER, 250)
    assert "3 ans" in refused.value.message


def test_volunteer_round_trip_confirmed_by_the_association():
    association = civic_body(CecActivity.ASSOCIATION_LEADER, name="Restos du quartier")
    person = PersonFactory()
    declaration = cec.declare_by_volunteer(
        person, association, year=2025, hours=220, role="Trésorière", actor=ACTOR, today=TODAY
    )
    assert declaration.status == CecStatus.PENDING
    assert not CpfAccount.objects.filter(person=person).exists()
    confirmed = cec.confirm(declaration, actor=ACTOR, today=datetime.date(2026, 11, 2))
    assert confirmed.status == CecStatus.VALIDATED
    assert _cec_balance(person) == 24_000
    assert Engagement.objects.get(person=person).role == "Trésorière"
    assert list(confirmed.transitions.values_list("to_status", flat=True)) == [
        "pending",
        "confirmed",
        "validated",
    ]


def test_volunteer_dates_and_refusal():
    association = civic_body(CecActivity.ASSOCIATION_LEADER)
    person = PersonFactory()
    with pytest.raises(cec.CecError) as late:
        cec.declare_by_volunteer(
            person,
            association,
            year=2025,
            hours=220,
            role="",
            actor=ACTOR,
            today=datetime.date(2026, 7, 1),
        )
    assert "30/06/2026" in late.value.message
    with pytest.raises(cec.CecError):
        cec.declare_by_volunteer(
            person, association, year=2026, hours=220, role="", actor=ACTOR, today=TODAY
        )
    declaration = cec.declare_by_volunteer(
        person, association, year=2025, hours=220, role="", actor=ACTOR, today=TODAY
    )
    with pytest.raises(cec.CecError):
        cec.refuse(declaration, actor=ACTOR, reason=" ")
    refused = cec.refuse(declaration, actor=ACTOR, reason="Heures non effectuées chez nous")
    assert refused.status == CecStatus.REFUSED
    with pytest.raises(cec.CecError):
        cec.confirm(refused, actor=ACTOR, today=TODAY)


def test_unconfirmed_declarations_expire_after_31_december_n_plus_1():
    association = civic_body(CecActivity.ASSOCIATION_LEADER)
    pending = cec.declare_by_volunteer(
        PersonFactory(), association, year=2025, hours=220, role="", actor=ACTOR, today=TODAY
    )
    below = _declare(association, PersonFactory(), CecActivity.ASSOCIATION_LEADER, 150)
    assert cec.expire_due(datetime.date(2026, 12, 31), actor=ACTOR) == {
        "expired": 0,
        "insufficient": 0,
    }
    with pytest.raises(cec.CecError):
        cec.confirm(pending, actor=ACTOR, today=datetime.date(2027, 1, 1))
    assert cec.expire_due(datetime.date(2027, 1, 1), actor=ACTOR, dry_run=True) == {
        "expired": 1,
        "insufficient": 1,
    }
    assert cec.expire_due(datetime.date(2027, 1, 1), actor=ACTOR) == {
        "expired": 1,
        "insufficient": 1,
    }
    assert cec.expire_due(datetime.date(2027, 1, 2), actor=ACTOR) == {
        "expired": 0,
        "insufficient": 0,
    }
    pending.refresh_from_db()
    below.refresh_from_db()
    assert (pending.status, below.status) == (CecStatus.EXPIRED, CecStatus.INSUFFICIENT)
