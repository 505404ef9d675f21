"""The periods of dashboards and reports (issue 12): this month, this quarter, this year or a
chosen range, read from the query string through the one parameter parser, and the same
period a year before for comparison. A leaf module: it imports no app."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from . import params

KINDS = ["month", "quarter", "year", "range"]
MAX_RANGE_DAYS = 366 * 10
ONE_DAY = datetime.timedelta(days=1)


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def midnight(day):
    """The first moment of a day in the current time zone (the zone of `__date` lookups): bounds
    on a moment (`starts_at__gte=midnight(start)`, `__lt=midnight(end + 1 day)`) select the same
    days as `__date` ones, and an index on the moment serves them."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_current_timezone())


def _month_end(year, month):
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # inclusive

    @classmethod
    def containing(cls, kind, day):
        if kind == "month":
            return cls(kind, day.replace(day=1), _month_end(day.year, day.month))
        if kind == "quarter":
            first = 3 * ((day.month - 1) // 3) + 1
            return cls(kind, datetime.date(day.year, first, 1), _month_end(day.year, first + 2))
        return cls("year", datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))

    def year_before(self):
        return Period(self.kind, years_before(self.start, 1), years_before(self.end, 1))

    def months(self):
        """The first day of each month of the twelve months ending with the period's end."""
        year, month = self.end.year, self.end.month
        firsts = []
        for _step in range(12):
            firsts.append(datetime.date(year, month, 1))
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return firsts[::-1]

    def split(self, years=False):
        """The whole months (or whole years) inside the period and the days outside them: ((first
        day, first day after), or None when the period holds no whole one; [(start, end), ...] the
        partial ones, inclusive, at most two). Kept totals per month or year serve the first, the
        records the second."""
        after = self.end + datetime.timedelta(days=1)
        if years:
            first = (
                self.start if (self.start.month, self.start.day) == (1, 1) else datetime.date(self.start.year + 1, 1, 1)
            )
            stop = datetime.date(after.year, 1, 1)
        else:
            first = self.start if self.start.day == 1 else _month_end(self.start.year, self.start.month) + ONE_DAY
            stop = after.replace(day=1)
        if first >= stop:
            return None, [(self.start, self.end)]
        edges = [(self.start, first - ONE_DAY)] if self.start < first else []
        edges += [(stop, self.end)] if stop <= self.end else []
        return (first, stop), edges

    @property
    def label(self):
        if self.kind == "month":
            return _("%(year)d-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        if self.kind == "quarter":
            return _("%(year)d Q%(quarter)d") % {"year": self.start.year, "quarter": (self.start.month + 2) // 3}
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def query(self):
        """The query string parameters that name this period."""
        if self.kind == "range":
            return {"period": "range", "start": self.start.isoformat(), "end": self.end.isoformat()}
        return {"period": self.kind, "on": self.start.isoformat()}


def period(query, *, today=None):
    """The period a request asks for (?period=month|quarter|year|range, &on= a day inside it, or
    &start=&end= for a range); this month by default."""
    today = today or datetime.date.today()
    kind = params.choice(query, "period", KINDS, default="month", label=_("period"))
    if kind != "range":
        return Period.containing(kind, params.date(query, "on", default=today, label=_("day")))
    start = params.date(query, "start", label=_("from"))
    end = params.date(query, "end", label=_("to"))
    if start is None or end is None:
        raise params.BadParameter(_("Give both the first and the last day of the range."), name="start")
    if start > end or (end - start).days > MAX_RANGE_DAYS:
        raise params.BadParameter(_("The range must start before it ends and span at most ten years."), name="end")
    return Period("range", start, end)
