"""Opening hours in Asia/Shanghai: weekly intervals, closure dates and the national calendar.

A center open "as on a weekday" on an adjusted working day (调休) uses its Monday hours: the
State Council notices name the day a working day without saying which weekday it replaces,
and Monday is the first regular working day. A center that follows the calendar is closed
on statutory holidays, whatever its weekly hours say.

The calendar comes from the `holidays` package (China: statutory days and the weekend
working days of each year's State Council notice), not from hand-typed dates.
"""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOOKAHEAD_DAYS = 14  # "next opening" searches two weeks ahead (long holidays last 8–9 days)

WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]
WEEKDAY_SHORT = [
    pgettext_lazy("short weekday", "Mon"),
    pgettext_lazy("short weekday", "Tue"),
    pgettext_lazy("short weekday", "Wed"),
    pgettext_lazy("short weekday", "Thu"),
    pgettext_lazy("short weekday", "Fri"),
    pgettext_lazy("short weekday", "Sat"),
    pgettext_lazy("short weekday", "Sun"),
]


@lru_cache(maxsize=16)
def _calendar(year):
    return holidays.China(years=year)


def _is_rest_weekend(day):
    return day.weekday() >= 5 and not _calendar(day.year).is_working_day(day)


def is_statutory_holiday(day):
    """A day of a holiday period (放假) as the State Council notice counts it.

    The notices count the weekend days joined to the statutory days ("10月1日至8日放假调休，
    共8天"), so a rest weekend touching a holiday belongs to it; the library lists only the
    statutory and substituted days themselves.
    """
    calendar = _calendar(day.year)
    if day in calendar:
        return True
    if not _is_rest_weekend(day):
        return False
    for step in (-1, 1):
        other = day + dt.timedelta(days=step)
        while _is_rest_weekend(other):
            other += dt.timedelta(days=step)
        if other in _calendar(other.year):
            return True
    return False


def is_adjusted_working_day(day):
    """A Saturday or Sunday that the year's notice makes a working day (调休)."""
    return day.weekday() >= 5 and _calendar(day.year).is_working_day(day)


def holiday_name(day):
    return _calendar(day.year).get(day)


def local_now():
    return timezone.now().astimezone(SHANGHAI)


def to_shanghai(moment):
    if moment is None:
        return local_now()
    if timezone.is_naive(moment):
        raise ValueError("aware datetimes only")
    return moment.astimezone(SHANGHAI)


def schedule_weekday(day, follows_holidays):
    """Which weekday's intervals apply on `day`, or None when the calendar closes it."""
    if not follows_holidays:
        return day.weekday()
    if is_statutory_holiday(day):
        return None
    if is_adjusted_working_day(day):
        return 0
    return day.weekday()


def intervals_on(day, *, weekly, closures, follows_holidays):
    """[(opens, closes)] on a date. weekly: {weekday: [(opens, closes)]}; closures: set of dates."""
    if day in closures:
        return []
    weekday = schedule_weekday(day, follows_holidays)
    if weekday is None:
        return []
    return sorted(weekly.get(weekday, []))


def state_at(moment, *, weekly, closures, follows_holidays):
    """(open_now, current interval or None, next opening datetime or None), all in Shanghai time."""
    local = to_shanghai(moment)
    today, now = local.date(), local.time().replace(tzinfo=None)
    current = None
    for opens, closes in intervals_on(today, weekly=weekly, closures=closures, follows_holidays=follows_holidays):
        if opens <= now < closes:
            current = (opens, closes)
            break
    next_opening = None
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = today + dt.timedelta(days=offset)
        for opens, _closes in intervals_on(day, weekly=weekly, closures=closures, follows_holidays=follows_holidays):
            if offset or opens > now:
                next_opening = dt.datetime.combine(day, opens, tzinfo=SHANGHAI)
                break
        if next_opening:
            break
    return current is not None, current, next_opening


def describe_opening(opening, moment=None):
    """'Today 14:00', 'Tomorrow 08:30' or 'Wed 08:30' (in the active language)."""
    if opening is None:
        return ""
    today = to_shanghai(moment).date()
    day = opening.date()
    clock = opening.strftime("%H:%M")
    if day == today:
        return _("today %(time)s") % {"time": clock}
    if day == today + dt.timedelta(days=1):
        return _("tomorrow %(time)s") % {"time": clock}
    if day < today + dt.timedelta(days=7):
        return f"{WEEKDAY_SHORT[day.weekday()]} {clock}"
    return _("%(month)d/%(day)d %(time)s") % {"month": day.month, "day": day.day, "time": clock}
