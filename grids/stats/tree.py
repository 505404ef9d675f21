"""The "units" section of /open/stats.json: how many units there are at each level."""

from django.db.models import Count

from ..models import Level, Unit


def units_section(unit=None, **params):
    units = Unit.objects.under(unit) if unit else Unit.objects.all()
    counts = dict(units.values_list("level").annotate(n=Count("pk")).order_by())
    return {level.name.lower(): counts.get(level.value, 0) for level in Level}
