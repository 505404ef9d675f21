"""The "demands" section of /open/stats.json: counts and the three rates, never a person."""

from django.db.models import Count

from ..models import Demand, DemandStatus
from ..services import demands_rates


def demands_section(unit=None, **params):
    demands = Demand.objects.within(unit)
    by_status = dict(demands.values_list("status").annotate(n=Count("pk")).order_by())
    by_category = dict(demands.values_list("category__name").annotate(n=Count("pk")).order_by())
    figures = demands_rates.rates(demands)
    return {
        "total": sum(n for status, n in by_status.items() if status != DemandStatus.MERGED),
        "by_status": {status.value: by_status.get(status.value, 0) for status in DemandStatus},
        "by_category": by_category,
        "response_rate": figures.response_rate,
        "solution_rate": figures.solution_rate,
        "satisfaction_rate": figures.satisfaction_rate,
        "median_handling_hours": figures.median_hours,
    }
