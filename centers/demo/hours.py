"""Demo opening hours: three weekly patterns, staggered service (错时服务) among them."""

import datetime as dt

from ..models import OpeningInterval

T = dt.time
HOURS = [
    # 错时服务: open at noon-free hours and evenings so working residents can come.
    {d: [(T(9), T(12)), (T(14), T(21))] for d in range(1, 7)},  # Tue–Sun, closed Monday
    {**{d: [(T(8, 30), T(12)), (T(14), T(18))] for d in range(5)}, 5: [(T(9), T(17))]},
    {d: [(T(9), T(21))] for d in range(7)},
]


def add_hours(center, pattern):
    OpeningInterval.objects.bulk_create(
        OpeningInterval(center=center, weekday=day, opens=opens, closes=closes)
        for day, intervals in pattern.items()
        for opens, closes in intervals
    )
