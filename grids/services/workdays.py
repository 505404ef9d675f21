"""Working days in Asia/Shanghai from the `holidays` package (China: statutory holidays off,
the 调休 weekend days of each year's State Council notice on), as centers/services/hours.py
reads the same calendar. grids sits below centers, so the tree has its own small reader.

Time limits of residents' demands count working days: "5 working days" from an acceptance on
30 September 2026 skips National Day (1–7 October) and counts Saturday 10 October, a working
day that year.
"""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


@lru_cache(maxsize=16)
def _china(year):
    return holidays.China(years=year)


def is_working_day(day):
    return _china(day.year).is_working_day(day)


def local_date(moment=None):
    return timezone.localtime(moment or timezone.now(), SHANGHAI).date()


def add_working_days(start, days):
    """The date `days` working days after `start` (a date; `start` itself never counts)."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start, end):
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=n)))


def end_of_day(day):
    """The last moment of `day` in Shanghai, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def start_of_day(day):
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI)
