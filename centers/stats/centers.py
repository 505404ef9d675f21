"""Public figures of centers: how many are public, in all and by kind."""

from django.db.models import Count

from ..models import Center, Kind


def centers_section(unit=None, **params):
    """Public centers (operating or temporarily closed), in all and by kind."""
    centers = Center.objects.public()
    if unit is not None:
        centers = centers.under(unit)
    counts = dict(centers.values_list("kind").annotate(n=Count("pk")).order_by())
    return {"total": sum(counts.values()), "by_kind": {kind: counts.get(kind, 0) for kind in Kind.values}}
