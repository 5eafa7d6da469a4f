"""Public agents' hours and conversions hours ↔ euros at 15 € an hour."""

import datetime

import pytest

from passeport.cpf import agents, conversion, ledger
from passeport.cpf.enums import Channel, MovementKind, Part
from passeport.cpf.models import CpfAccount
from tests.factories import PersonFactory

from .helpers import ACTOR, account_with, public_employer

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 15)


def _declare(employer, person, year=2025, months=12, low=False):
    return agents.declare_agent(
        employer,
        person,
        year=year,
        months=months,
        low_qualified=low,
        channel=Channel.WEB,
        actor=ACTOR,
        today=TODAY,
    )


def _hours(person):
    return ledger.balances(CpfAccount.objects.get(person=person)).hours


def test_a_year_of_service_gives_25_hours_and_again_changes_nothing():
    employer, person = public_employer(), PersonFactory()
    _declaration, movement = _declare(employer, person)
    assert (movement.kind, movement.part, movement.amount) == (
        MovementKind.AGENT_CREDIT,
        Part.HOURS,
        2_500,
    )
    assert _declare(employer, person)[1] is None
    assert _hours(person) == 2_500


def test_corrected_declaration_is_one_adjustment_and_two_employers_add_up():
    first, second, person = public_employer(), public_employer(), PersonFactory()
    _declare(first, person, months=12)
    _declaration, adjustment = _declare(first, person, months=6)
    assert (adjustment.kind, adjustment.amount) == (MovementKind.ADJUSTMENT, -1_250)
    assert "6 mois" in adjustment.reason
    _declare(second, person, months=6)
    assert _hours(person) == 2_500


def test_ceilings_150_and_400_hours():
    employer, person = public_employer(), PersonFactory()
    for year in range(2017, 2025):
        _declare(employer, person, year=year)
    assert _hours(person) == 15_000  # 8 × 25 h capped at 150 h
    low = PersonFactory()
    for year in range(2017, 2026):
        _declare(employer, low, year=year, low=True)
    assert _hours(low) == 40_000  # 9 × 50 h capped at 400 h


def test_only_public_employers_declare():
    with pytest.raises(agents.AgentError):
        _declare(public_employer(is_public_employer=False, is_employer=True), PersonFactory())


def test_hours_to_euros_at_15_per_hour():
    employer, person = public_employer(), PersonFactory()
    for year in (2023, 2024):
        _declare(employer, person, year=year)
    account = CpfAccount.objects.get(person=person)
    simulation = conversion.simulate(account, conversion.TO_EUROS, 4_000)  # 40 h asked
    assert (simulation.debit, simulation.credit) == (4_000, 60_000)  # 40 h → 600 €
    out, credit = conversion.convert(
        account, conversion.TO_EUROS, 4_000, expected=simulation, actor=ACTOR
    )
    assert (out.kind, out.amount, credit.kind, credit.amount) == (
        MovementKind.CONVERSION_OUT,
        -4_000,
        MovementKind.CONVERSION_IN,
        60_000,
    )
    assert credit.related_seq == out.seq
    balances = ledger.balances(account)
    assert (balances.hours, balances.rights) == (1_000, 60_000)


def test_euros_to_hours_capped_at_150_hours_and_funders_credits_never_convert():
    employer, person = public_employer(), PersonFactory()
    account = account_with(person, 400_000)
    account = account_with(person, 100_000, part=Part.FUNDER)
    with pytest.raises(conversion.ConversionError):
        conversion.simulate(account, conversion.TO_HOURS, 10_000)  # not an agent yet
    _declare(employer, person, year=2025, months=1)  # 2.09 h
    simulation = conversion.simulate(account, conversion.TO_HOURS, 500_000)
    # 4,000 € of own rights (funders' 1,000 € excluded), capped at 150 h = 2,250 €, and
    # by the 150 h ceiling given the 2.09 h already held.
    assert simulation.credit == 15_000 - 209
    assert simulation.debit == (15_000 - 209) * 15
    assert any("150" in note for note in simulation.notes)


def test_confirmation_refused_if_rights_changed_since_the_simulation():
    employer, person = public_employer(), PersonFactory()
    _declare(employer, person)
    account = CpfAccount.objects.get(person=person)
    simulation = conversion.simulate(account, conversion.TO_EUROS, 2_500)
    _declare(employer, person, months=6)  # the employer corrects meanwhile
    with pytest.raises(conversion.ConversionError):
        conversion.convert(account, conversion.TO_EUROS, 2_500, expected=simulation, actor=ACTOR)
    assert ledger.verify_account(account) == []
