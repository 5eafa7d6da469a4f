"""Declaration deadlines of the passeport de prévention (décret 2025-748).

- A training provider declares within 3 months after the end of the calendar quarter in
  which the training ended (ADF) or the justificatif's validity starts (JDR).
- An employer declares its in-house trainings within 6 months after the end of that
  quarter; it may verify a provider's declaration (and ask for a correction) within the
  same 6 months, silence meaning "deemed verified".
- Transition: until mass import exists, deadlines are extended by 3 months. We apply
  the extension to every quarter that ended before mass import opened
  (`MASS_IMPORT_OPENED_ON`, overridable by the `PREVENTION_MASS_IMPORT_OPENED_ON`
  setting since the date comes from secondary sources).

Every date returned is the **last day** on which the act is on time.
"""

import calendar
import datetime

from django.conf import settings

from .enums import DeclarantRole

PROVIDER_MONTHS = 3
EMPLOYER_MONTHS = 6
REVIEW_MONTHS = 6
TRANSITIONAL_EXTENSION_MONTHS = 3
# The declaration duty starts on these dates (décret 2025-748; the employers' space opened
# at the latest on 31 March 2026).
PROVIDER_DUTY_STARTS_ON = datetime.date(2025, 9, 1)
EMPLOYER_DUTY_STARTS_ON = datetime.date(2026, 3, 31)
# Mass import ("Guide import en masse OF ADF / JDR", February 2026): secondary source.
MASS_IMPORT_OPENED_ON = datetime.date(2026, 3, 1)


def mass_import_opened_on() -> datetime.date:
    return getattr(settings, "PREVENTION_MASS_IMPORT_OPENED_ON", MASS_IMPORT_OPENED_ON)


def quarter_end(day: datetime.date) -> datetime.date:
    """The last day of `day`'s calendar quarter (31 March, 30 June, 30 Sept, 31 Dec)."""
    month = (day.month - 1) // 3 * 3 + 3
    return datetime.date(day.year, month, calendar.monthrange(day.year, month)[1])


def end_of_month_after(day: datetime.date, months: int) -> datetime.date:
    """The last day of the month `months` after `day`'s month (quarter ends are month
    ends, so "3 months after 31 March" is 30 June, not 1 July)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _extension(end_of_quarter: datetime.date) -> int:
    return TRANSITIONAL_EXTENSION_MONTHS if end_of_quarter < mass_import_opened_on() else 0


def declare_before(role: str, reference_day: datetime.date) -> datetime.date:
    """Last day to declare a training whose reference day (end of training for an ADF,
    start of validity for a JDR) is `reference_day`, by a declarant of `role`."""
    months = EMPLOYER_MONTHS if role == DeclarantRole.EMPLOYER else PROVIDER_MONTHS
    end = quarter_end(reference_day)
    return end_of_month_after(end, months + _extension(end))


def review_before(reference_day: datetime.date) -> datetime.date:
    """Last day for the employer to confirm a provider's declaration or ask for a
    correction; after it, the declaration is deemed verified."""
    end = quarter_end(reference_day)
    return end_of_month_after(end, REVIEW_MONTHS + _extension(end))


def reprise_from(reference_day: datetime.date) -> datetime.date:
    """First day on which an employer may declare instead of a provider that has not
    declared (the day after the provider's deadline)."""
    return declare_before(DeclarantRole.PROVIDER, reference_day) + datetime.timedelta(days=1)


def is_late(role: str, reference_day: datetime.date, declared_on: datetime.date) -> bool:
    return declared_on > declare_before(role, reference_day)
