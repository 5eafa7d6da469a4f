"""The rules' own examples (docs/domain.md, the issue), as pure functions."""

import datetime
from decimal import Decimal

import pytest

from passeport.cpf import rules
from passeport.cpf.contribution import Exemption, participation_forfaitaire, split_purchase
from passeport.cpf.enums import CecActivity


def test_below_half_time_is_pro_rata_rounded_up_to_the_cent():
    # 500 × 400 ÷ 803.5 = 248.9109… → 248.92 € (R6323-1: rounded up to the cent).
    result = rules.acquisition(2025, Decimal("400"))
    assert result.gross_cents == 24_892
    assert result.pro_rata
    assert rules.decimal_euros(result.acquired_cents) == "248.92"


@pytest.mark.parametrize("hours", ["803.5", "1607", "1820", "2400"])
def test_half_time_or_more_gives_the_annual_amount(hours):
    result = rules.acquisition(2025, Decimal(hours))
    assert (result.gross_cents, result.pro_rata) == (50_000, False)


def test_amount_is_continuous_at_half_time():
    just_below = rules.acquisition(2025, Decimal("803.49"))
    assert just_below.pro_rata and just_below.gross_cents == 50_000  # 49,999.38 c → up


def test_ceiling_caps_the_balance():
    # 4,800 € + 500 € → 200 € credited, balance at the 5,000 € ceiling.
    result = rules.acquisition(2025, Decimal("1820"), balance_cents=480_000)
    assert result.acquired_cents == 20_000
    assert result.balance_after_cents == 500_000
    assert result.capped and result.at_ceiling


def test_never_negative_above_the_ceiling():
    assert rules.acquisition(2025, Decimal("1820"), balance_cents=510_000).acquired_cents == 0


@pytest.mark.parametrize("flag", ["low_qualified", "disability"])
def test_favourable_situations_800_8000(flag):
    result = rules.acquisition(2025, Decimal("1820"), balance_cents=780_000, **{flag: True})
    assert (result.annual_cents, result.ceiling_cents) == (80_000, 800_000)
    assert result.acquired_cents == 20_000
    # 800 × 400 ÷ 803.5 = 398.2576… → 398.26 €
    assert rules.acquisition(2025, Decimal("400"), **{flag: True}).gross_cents == 39_826


def test_several_situations_the_most_favourable_applies():
    both = rules.acquisition(2025, Decimal("1820"), low_qualified=True, disability=True)
    assert both.annual_cents == 80_000


def test_nothing_for_no_hours_and_nothing_before_euros():
    assert rules.acquisition(2025, Decimal("0")).gross_cents == 0
    with pytest.raises(ValueError):
        rules.acquisition(2018, Decimal("1607"))


def test_pro_rata_share_is_configurable(settings):
    settings.CPF_PRO_RATA_SHARE = "1"
    # 500 × 803.5 ÷ 1607 = 250 €
    assert rules.acquisition(2025, Decimal("803.5")).gross_cents == 25_000


def test_cec_240_per_activity_ceiling_720():
    assert rules.cec_credit(0) == 24_000
    assert rules.cec_credit(60_000) == 12_000
    assert rules.cec_credit(72_000) == 0


@pytest.mark.parametrize(
    ("activity", "quantity", "refused"),
    [
        (CecActivity.SERVICE_CIVIQUE, 6, False),
        (CecActivity.SERVICE_CIVIQUE, 5, True),
        (CecActivity.MILITARY_RESERVE, 90, False),
        (CecActivity.MILITARY_RESERVE, 89, True),
        (CecActivity.HEALTH_RESERVE, 29, True),
        (CecActivity.APPRENTICE_MASTER, 6, False),
        (CecActivity.VOLUNTEER_FIREFIGHTER, 80, False),
        (CecActivity.CIVIC_RESERVE, 79, True),
    ],
)
def test_cec_thresholds(activity, quantity, refused):
    reason = rules.cec_refusal(activity, quantity, 2025)
    assert (reason is not None) == refused
    if refused:
        assert "Seuil non atteint" in reason


def test_police_reserve_needs_three_years_of_engagement():
    assert rules.cec_refusal(CecActivity.POLICE_RESERVE, 75, 2025, engagement_years=2)
    assert rules.cec_refusal(CecActivity.POLICE_RESERVE, 75, 2025, engagement_years=3) is None


def test_association_year_200_hours_of_which_100_in_one():
    assert rules.association_year_met([200])
    assert rules.association_year_met([100, 100])
    assert not rules.association_year_met([99, 99, 99])
    assert not rules.association_year_met([150, 40])
    young = datetime.date(2025, 3, 1)
    assert rules.cec_refusal(
        CecActivity.ASSOCIATION_LEADER, 150, 2025, association_declared_on=young
    )
    old = datetime.date(2020, 3, 1)
    assert (
        rules.cec_refusal(CecActivity.ASSOCIATION_LEADER, 150, 2025, association_declared_on=old)
        is None
    )


def test_public_agents_hours():
    assert rules.agent_hours(12, low_qualified=False) == (2_500, 15_000)
    assert rules.agent_hours(12, low_qualified=True) == (5_000, 40_000)
    assert rules.agent_hours(6, low_qualified=False) == (1_250, 15_000)
    assert rules.agent_hours(1, low_qualified=False)[0] == 209  # 2.0833 h → 2.09 h


def test_conversion_rate_is_exact():
    # 15 € = 1 h: 100 h are 1,500 €; the cap (150 h) is 2,250 €.
    assert 10_000 * rules.CENTS_PER_HUNDREDTH == 150_000
    assert rules.CONVERSION_CAP_HUNDREDTHS * rules.CENTS_PER_HUNDREDTH == 225_000


@pytest.mark.parametrize(
    ("day", "cents"),
    [
        (datetime.date(2024, 5, 1), 0),
        (datetime.date(2024, 5, 2), 10_000),
        (datetime.date(2025, 6, 1), 10_223),
        (datetime.date(2026, 1, 1), 10_320),
        (datetime.date(2026, 11, 23), 10_320),
    ],
)
def test_participation_forfaitaire_is_dated(day, cents):
    assert participation_forfaitaire(day).cents == cents


@pytest.mark.parametrize("exemption", list(Exemption))
def test_participation_forfaitaire_exemptions(exemption):
    result = participation_forfaitaire(datetime.date(2026, 3, 1), exemptions=[exemption])
    assert result.cents == 0 and result.exemption == exemption
    assert "Pas de participation" in result.explanation


def test_purchase_worked_examples():
    day = datetime.date(2024, 6, 1)  # 100 €
    small = split_purchase(39_000, 35_000, day)
    assert (small.holder_cents, small.rights_cents) == (10_000, 29_000)
    large = split_purchase(215_000, 180_000, day)
    assert (large.holder_cents, large.rights_cents) == (35_000, 180_000)
    exempt = split_purchase(39_000, 35_000, day, exemptions=[Exemption.JOB_SEEKER])
    assert (exempt.holder_cents, exempt.rights_cents) == (4_000, 35_000)


def test_formatting():
    assert rules.euros(123_456) == "1\u202f234,56 €"
    assert rules.decimal_euros(24_892) == "248.92"
    assert rules.hours_text(667) == "6,67 h"
    assert rules.hours_text(2_500) == "25 h"
