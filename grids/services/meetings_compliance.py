"""三会一课 compliance of a whole part of the tree, set-based (issue 15).

`meetings.duties` builds every organisation's periods in Python: right for one organisation's
calendar, seconds for a district of 11,000 building groups. Here the same figures come from counts:
each organisation of a level owes the same periods of a kind, so the rates need only the number of
organisations per level and the periods in which meetings were held (a few rows: meetings are
sparse); an organisation-kind is up to date only if meetings were held in every ended period and the
running one, so the number behind is all pairs minus those found up to date among the meetings.
The first `shown` behind, in tree order, are then built by `duties` from a bounded read of the
organisations: at most `shown` + (organisations entirely up to date) of them.
"""

from datetime import date, datetime, time

from django.db.models import Count
from django.utils import timezone

from ..models import Unit
from ..models.meetings import KINDS_BY_LEVEL, Meeting
from .meetings import _periods, behind_this_period, district_of, duties, frequencies


def summary(unit, year, shown, today=None):
    """(rates {kind: (held, owed)}, number of organisation-kinds behind, the first `shown` behind
    as Duty rows): the figures of `rates` and `behind_this_period` over `duties(organisations)`."""
    today = today or timezone.localdate()
    rule = frequencies(district_of(unit))
    orgs = Unit.objects.under(unit).filter(level__in=list(KINDS_BY_LEVEL))
    per_level = dict(orgs.values_list("level").annotate(n=Count("pk")).order_by())
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz)
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz)
    meetings = Meeting.objects.filter(
        unit__path__startswith=unit.path, starts_at__gte=start, starts_at__lt=end, attendance_taken=True, valid=True
    ).values_list("unit_id", "unit__level", "kind", "starts_at")
    held = {}  # (unit id, level, kind) -> indexes of the periods held
    for unit_id, level, kind, starts_at in meetings:
        if kind in KINDS_BY_LEVEL.get(level, ()):
            day = timezone.localtime(starts_at).date()
            index = next(i for i, (first, last) in enumerate(_periods(rule[kind], year)) if first <= day <= last)
            held.setdefault((unit_id, level, kind), set()).add(index)
    rates, pairs, up_to_date = {}, 0, {}
    for level, n in per_level.items():
        for kind in KINDS_BY_LEVEL[level]:
            periods = _periods(rule[kind], year)
            ended = [i for i, (_first, last) in enumerate(periods) if last < today]
            current = [i for i, (first, last) in enumerate(periods) if first <= today <= last]
            found = {key: indexes for key, indexes in held.items() if key[1:] == (level, kind)}
            n_held = sum(len(indexes) for indexes in found.values())
            # Owed: every ended period, and any other period already held (meetings.Duty.owed).
            owed = n * len(ended) + sum(len(indexes - set(ended)) for indexes in found.values())
            before = rates.get(kind, (0, 0))
            rates[kind] = (before[0] + n_held, before[1] + owed)
            pairs += n
            for (unit_id, _level, _kind), indexes in found.items():
                if set(ended + current) <= indexes:
                    up_to_date.setdefault(unit_id, 0)
                    up_to_date[unit_id] += 1
    complete = sum(
        1
        for unit_id, count in up_to_date.items()
        if count == len(KINDS_BY_LEVEL[next(k[1] for k in held if k[0] == unit_id)])
    )
    behind_count = pairs - sum(up_to_date.values())
    first = list(orgs.order_by("path")[: shown + complete])
    return rates, behind_count, behind_this_period(duties(first, year, today=today))[:shown]
