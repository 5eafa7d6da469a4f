"""French working days (jours ouvrés: Monday to Friday, public holidays excepted), the
holidays from the maintained `holidays` library (metropolitan France; Alsace-Moselle's
and overseas' own days are not counted)."""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.France(years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `day` (`day` itself not counted)."""
    current = day
    while count > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to `end` included (0 when end ≤ start)."""
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
