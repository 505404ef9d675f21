"""Time left and the three rates of 12345 assessments, computed from the records:

- 响应率: demands accepted (or refused) within the response limit, among those answered;
- 解决率: demands handled by their handling deadline, among those handled;
- 满意率: 满意 + 基本满意 among those visited;
plus the median handling time (hours from submission to the first 办结).
"""

from dataclasses import dataclass
from statistics import median

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import DemandCategory, DemandStatus, Satisfaction
from . import workdays


@dataclass
class Clock:
    label: str
    overdue: bool
    due_text: str


def clock(demand, now=None):
    """What the queue and pages show: which limit runs, "due in …" or "overdue by …"."""
    now = now or timezone.now()
    if demand.status == DemandStatus.PENDING:
        left = demand.response_due - now
        hours = abs(left.total_seconds()) / 3600
        if left.total_seconds() >= 0:
            return Clock(_("Response"), False, _("due in %(h).1f hours") % {"h": hours})
        return Clock(_("Response"), True, _("overdue by %(h).1f hours") % {"h": hours})
    if demand.status in (DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS) and demand.handling_due:
        today = workdays.local_date(now)
        days = workdays.working_days_between(today, demand.handling_due)
        if demand.handling_due >= today:
            if days == 0:
                return Clock(_("Handling"), False, _("due today"))
            return Clock(_("Handling"), False, _("due in %(n)d working days") % {"n": days})
        return Clock(_("Handling"), True, _("overdue by %(n)d working days") % {"n": -days})
    return None


def categories_in(scope):
    """The categories of the districts in the user's scope (one query)."""
    districts = {int(path.strip("/").split("/")[0]) for path in scope.paths()} if not scope.everything else None
    qs = DemandCategory.objects.filter(active=True)
    return qs.filter(district_id__in=districts) if districts is not None else qs


@dataclass
class Rates:
    total: int
    answered: int
    answered_in_time: int
    handled: int
    handled_in_time: int
    visited: int
    satisfied: int
    median_hours: float | None

    @staticmethod
    def _pct(part, whole):
        return round(100 * part / whole, 1) if whole else None

    @property
    def response_rate(self):
        return self._pct(self.answered_in_time, self.answered)

    @property
    def solution_rate(self):
        return self._pct(self.handled_in_time, self.handled)

    @property
    def satisfaction_rate(self):
        return self._pct(self.satisfied, self.visited)


# What the rates read of each demand, in this order (figures() takes rows of these).
RATE_FIELDS = ("status", "submitted_at", "response_due", "accepted_at", "closed_at", "first_handled_at",
               "handled_in_time", "satisfaction")  # fmt: skip


def rates(demands):
    """The three rates and the median of a queryset of demands (submitted in the period)."""
    return figures(demands.values_list(*RATE_FIELDS))


def figures(rows):
    """The rates of rows of RATE_FIELDS; merged demands are not counted."""
    answered = answered_in_time = handled = handled_in_time = visited = satisfied = total = 0
    durations = []
    for status, submitted, response_due, accepted, closed, first_handled, in_time, satisfaction in rows:
        if status == DemandStatus.MERGED:
            continue
        total += 1
        answer_at = accepted or (closed if status == DemandStatus.REJECTED else None)
        if answer_at is not None:
            answered += 1
            answered_in_time += answer_at <= response_due
        if first_handled is not None:
            handled += 1
            handled_in_time += bool(in_time)
            durations.append((first_handled - submitted).total_seconds() / 3600)
        if satisfaction:
            visited += 1
            satisfied += satisfaction in (Satisfaction.SATISFIED, Satisfaction.FAIRLY)
    return Rates(
        total,
        answered,
        answered_in_time,
        handled,
        handled_in_time,
        visited,
        satisfied,
        round(median(durations), 1) if durations else None,
    )


def in_period(qs, start, end):
    """Demands submitted from `start` to `end` inclusive (dates, Asia/Shanghai)."""
    return qs.filter(Q(submitted_at__gte=workdays.start_of_day(start)) & Q(submitted_at__lte=workdays.end_of_day(end)))
