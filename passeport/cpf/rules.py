"""The rules of CPF rights as dated data and pure functions, in integer cents (euros) and
integer hundredths of an hour (public agents' hours). No database here: the annual run,
the simulator page and API, the conversion and the tests all call these functions.

Sources (see docs/domain.md): L.6323-11 and R.6323-1 (500 € a year, ceiling 5,000 €;
800 € / 8,000 € for the low-qualified and disabled workers; pro rata below half-time,
rounded up to the cent), L.5151-7 and following (CEC: 240 € per activity, ceiling 720 €),
décret 2017-928 and the décret of 17 Dec 2019 (public agents: 25 h / 150 h, 50 h / 400 h;
conversion at 15 € an hour, capped at 150 h).
"""

import datetime
import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings

from .enums import CecActivity

# --- Acquisition from worked hours (private sector) ------------------------------------------

REFERENCE_HOURS = Decimal("1607")


@dataclass(frozen=True)
class Rates:
    since_year: int
    annual_cents: int
    ceiling_cents: int
    favourable_annual_cents: int  # low-qualified, recognised disabled workers
    favourable_ceiling_cents: int


# Rights are in euros since 1 Jan 2019 (loi du 5 septembre 2018); a later change of the
# amounts is one more line here.
PRIVATE_RATES = (Rates(2019, 50_000, 500_000, 80_000, 800_000),)
FIRST_EURO_YEAR = PRIVATE_RATES[0].since_year


def rates_for(year: int) -> Rates:
    found = [rates for rates in PRIVATE_RATES if rates.since_year <= year]
    if not found:
        raise ValueError(f"Les droits en euros existent depuis {FIRST_EURO_YEAR}.")
    return found[-1]


def pro_rata_share() -> Fraction:
    """The share of the reference duration from which the full amount is acquired, which
    is also the pro rata's denominator (domain.md reads R6323-1 as `hours ÷ (reference ÷ 2)`,
    continuous at half-time); `CPF_PRO_RATA_SHARE` changes it."""
    return _share(str(getattr(settings, "CPF_PRO_RATA_SHARE", "0.5")))


@functools.lru_cache(maxsize=8)
def _share(text: str) -> Fraction:
    return Fraction(text)


SITUATION_LABELS = {
    "standard": "cas général",
    "low_qualified": "sans qualification de niveau 3 (CAP, BEP)",
    "disability": "bénéficiaire de l'obligation d'emploi des travailleurs handicapés",
}


@dataclass(frozen=True)
class Acquisition:
    year: int
    hours: Decimal
    reference_hours: Decimal
    situation: str  # standard, low_qualified, disability
    annual_cents: int
    ceiling_cents: int
    gross_cents: int  # before the ceiling
    pro_rata: bool
    balance_before_cents: int
    acquired_cents: int

    @property
    def balance_after_cents(self) -> int:
        return self.balance_before_cents + self.acquired_cents

    @property
    def capped(self) -> bool:
        return self.acquired_cents < self.gross_cents

    @property
    def at_ceiling(self) -> bool:
        return self.gross_cents > 0 and self.balance_after_cents >= self.ceiling_cents


def gross_amount(annual_cents: int, hours: Decimal, reference_hours: Decimal) -> tuple[int, bool]:
    """(amount in cents before the ceiling, whether it is a pro rata). Exact integer
    arithmetic on hundredths of an hour (the annual run calls it for every holder)."""
    if hours <= 0:
        return 0, False
    share = pro_rata_share()
    worked = int(hours * 100)  # DSN hours carry two decimals
    # The threshold is reference × share: compare worked × q with reference × p.
    threshold = int(reference_hours * 100) * share.numerator
    if worked * share.denominator >= threshold:
        return annual_cents, False
    # Rounded up to the cent (R6323-1: « arrondi au centime d'euro supérieur »).
    return -(-annual_cents * worked * share.denominator // threshold), True


def acquisition(
    year: int,
    hours: Decimal,
    *,
    reference_hours: Decimal = REFERENCE_HOURS,
    low_qualified: bool = False,
    disability: bool = False,
    balance_cents: int = 0,
) -> Acquisition:
    """What year `year`'s `hours` of work give to an account whose own rights stand at
    `balance_cents`. Several situations in one year: the most favourable applies."""
    if reference_hours <= 0:
        raise ValueError("La durée de référence est positive.")
    if hours < 0:
        raise ValueError("Les heures travaillées ne sont pas négatives.")
    rates = rates_for(year)
    situation = "disability" if disability else "low_qualified" if low_qualified else "standard"
    favourable = situation != "standard"
    annual = rates.favourable_annual_cents if favourable else rates.annual_cents
    ceiling = rates.favourable_ceiling_cents if favourable else rates.ceiling_cents
    gross, pro_rata = gross_amount(annual, hours, reference_hours)
    acquired = max(0, min(gross, ceiling - balance_cents))
    return Acquisition(
        year=year,
        hours=hours,
        reference_hours=reference_hours,
        situation=situation,
        annual_cents=annual,
        ceiling_cents=ceiling,
        gross_cents=gross,
        pro_rata=pro_rata,
        balance_before_cents=balance_cents,
        acquired_cents=acquired,
    )


def euros(cents: int) -> str:
    """ "1 234,56 €" (French grouping and decimal comma, narrow no-break space)."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d} €"


def decimal_euros(cents: int) -> str:
    """ "248.92": the API's decimal string."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def hours_text(hundredths: int) -> str:
    """ "25 h", "6,67 h"."""
    sign = "-" if hundredths < 0 else ""
    whole, rest = divmod(abs(hundredths), 100)
    grouped = f"{whole:,}".replace(",", "\u202f")
    return f"{sign}{grouped} h" if not rest else f"{sign}{grouped},{rest:02d} h"


def worked_hours_text(hours: Decimal) -> str:
    return hours_text(int((hours * 100).to_integral_value()))


# --- Compte d'engagement citoyen --------------------------------------------------------------

CEC_CREDIT_CENTS = 24_000
CEC_CEILING_CENTS = 72_000
CEC_MINIMUM_AGE = 16


@dataclass(frozen=True)
class Threshold:
    quantity: int
    unit: str  # "mois", "jours", "heures", "vacations"
    text: str


CEC_THRESHOLDS = {
    CecActivity.SERVICE_CIVIQUE: Threshold(6, "mois", "6 mois de service civique"),
    CecActivity.MILITARY_RESERVE: Threshold(90, "jours", "90 jours d'activité dans l'année"),
    CecActivity.POLICE_RESERVE: Threshold(
        75, "vacations", "75 vacations dans l'année et un engagement d'au moins 3 ans"
    ),
    CecActivity.HEALTH_RESERVE: Threshold(30, "jours", "30 jours d'activité dans l'année"),
    CecActivity.APPRENTICE_MASTER: Threshold(6, "mois", "6 mois d'accompagnement"),
    CecActivity.VOLUNTEER_FIREFIGHTER: Threshold(80, "heures", "80 heures dans l'année"),
    CecActivity.CIVIC_RESERVE: Threshold(80, "heures", "80 heures dans l'année"),
    CecActivity.ASSOCIATION_LEADER: Threshold(
        200,
        "heures",
        "200 heures dans l'année, dont au moins 100 heures dans une même association",
    ),
}
POLICE_RESERVE_MIN_YEARS = 3
ASSOCIATION_HOURS_IN_ONE = 100
# Sources differ (one or three years): `CPF_CEC_ASSOCIATION_MIN_YEARS` changes it.
ASSOCIATION_MIN_YEARS_DEFAULT = 1
MAX_QUANTITY = {"mois": 12, "jours": 366, "heures": 8_784, "vacations": 366}


def association_min_years() -> int:
    return int(getattr(settings, "CPF_CEC_ASSOCIATION_MIN_YEARS", ASSOCIATION_MIN_YEARS_DEFAULT))


def cec_refusal(
    activity: str,
    quantity: int,
    year: int,
    *,
    engagement_years: int | None = None,
    association_declared_on: datetime.date | None = None,
) -> str | None:
    """Why one declared activity cannot count, in French; None when it can. Association
    hours are only checked here for what one declaration can say (the association's age);
    the 200 h / 100 h thresholds are a person's year across associations
    (`association_year_met`)."""
    threshold = CEC_THRESHOLDS[activity]
    label = CecActivity(activity).label
    if quantity < 1 or quantity > MAX_QUANTITY[threshold.unit]:
        return f"Quantité invalide : entre 1 et {MAX_QUANTITY[threshold.unit]} {threshold.unit}."
    if activity == CecActivity.ASSOCIATION_LEADER:
        years = association_min_years()
        if association_declared_on is None:
            return "La date de déclaration de l'association n'est pas connue du service."
        if association_declared_on > datetime.date(year - years, 12, 31):
            return (
                f"L'association doit être déclarée depuis au moins {years} an"
                f"{'s' if years > 1 else ''} au titre de l'année {year}."
            )
        return None
    if quantity < threshold.quantity:
        return (
            f"Seuil non atteint pour « {label} » : {quantity} {threshold.unit} déclarés, "
            f"il faut {threshold.text}."
        )
    if activity == CecActivity.POLICE_RESERVE and (engagement_years or 0) < (
        POLICE_RESERVE_MIN_YEARS
    ):
        return (
            f"Seuil non atteint pour « {label} » : l'engagement doit être d'au moins "
            f"{POLICE_RESERVE_MIN_YEARS} ans."
        )
    return None


def association_year_met(hours_by_association: list[int]) -> bool:
    threshold = CEC_THRESHOLDS[CecActivity.ASSOCIATION_LEADER].quantity
    return (
        sum(hours_by_association) >= threshold
        and max(hours_by_association, default=0) >= ASSOCIATION_HOURS_IN_ONE
    )


def cec_credit(cec_balance_cents: int) -> int:
    """240 € for one activity of one year, within what the 720 € ceiling leaves."""
    return max(0, min(CEC_CREDIT_CENTS, CEC_CEILING_CENTS - cec_balance_cents))


# --- Public agents, conversion ----------------------------------------------------------------

AGENT_ANNUAL_HUNDREDTHS = 2_500
AGENT_CEILING_HUNDREDTHS = 15_000
AGENT_FAVOURABLE_ANNUAL_HUNDREDTHS = 5_000  # category C without a level 3 qualification
AGENT_FAVOURABLE_CEILING_HUNDREDTHS = 40_000


def agent_hours(months: int, *, low_qualified: bool) -> tuple[int, int]:
    """(hours in hundredths for `months` of service in a year, hours ceiling); a partial
    year is a pro rata of the months, rounded up to the hundredth of an hour."""
    if not 1 <= months <= 12:
        raise ValueError("Le nombre de mois est compris entre 1 et 12.")
    annual = AGENT_FAVOURABLE_ANNUAL_HUNDREDTHS if low_qualified else AGENT_ANNUAL_HUNDREDTHS
    ceiling = AGENT_FAVOURABLE_CEILING_HUNDREDTHS if low_qualified else AGENT_CEILING_HUNDREDTHS
    return math.ceil(annual * months / 12), ceiling


# 15 € = 1 h, so one hundredth of an hour is 15 cents: conversions stay exact.
CENTS_PER_HUNDREDTH = 15
CONVERSION_CAP_HUNDREDTHS = 15_000  # the equivalent of 150 h per conversion
