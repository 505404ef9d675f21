"""The "demands" section of /open/stats.json: counts and the three rates, never a person. One
query: the rows the rates read, with each demand's category, counted here."""

from collections import Counter

from ..models import Demand, DemandStatus
from ..services import demands_rates


def demands_section(unit=None, **params):
    rows = list(Demand.objects.within(unit).values_list("category__name", *demands_rates.RATE_FIELDS))
    by_status = Counter(row[1] for row in rows)
    figures = demands_rates.figures(row[1:] for row in rows)
    return {
        "total": sum(n for status, n in by_status.items() if status != DemandStatus.MERGED),
        "by_status": {status.value: by_status.get(status.value, 0) for status in DemandStatus},
        "by_category": dict(Counter(row[0] for row in rows)),
        "response_rate": figures.response_rate,
        "solution_rate": figures.solution_rate,
        "satisfaction_rate": figures.satisfaction_rate,
        "median_handling_hours": figures.median_hours,
    }
