"""Nearby search: centers nearest to a point, widening the radius when none is close."""

from django.db.models import Avg

from grids.models import Level, Unit

from ..models import Center

COVERAGE_RADIUS_M = 1000  # the promise of shared/domain/000: a center within 1 km of everyone
MAX_RADIUS_M = 50_000
MAX_LIMIT = 50
FALLBACK_COUNT = 5
# Radii tried, in order, when nothing lies within the asked radius: each is one indexed query.
_WIDENING = (3_000, 10_000, 30_000, 100_000, 300_000)


def nearby(*, lat, lng, radius_m=COVERAGE_RADIUS_M, limit=20, queryset=None):
    """(centers within radius_m nearest first, within: bool).

    When none lies within radius_m, the nearest FALLBACK_COUNT found by widening the radius
    step by step (still the indexed query, never a full scan), with within=False.
    """
    qs = Center.objects.public() if queryset is None else queryset
    found = list(qs.near(lat, lng, radius_m)[:limit])
    if found:
        return found, True
    for radius in _WIDENING:
        if radius <= radius_m:
            continue
        found = list(qs.near(lat, lng, radius)[:FALLBACK_COUNT])
        if found:
            return found, False
    return [], False


def nearest_operating(*, lat, lng):
    """The nearest operating center and its distance, widening the search as needed."""
    for radius in (COVERAGE_RADIUS_M, *_WIDENING):
        center = Center.objects.operating().near(lat, lng, radius).only("pk", "name").first()
        if center is not None:
            return center
    return None


def unit_centroid(unit):
    """Average position of the building groups under a street or community (one query)."""
    point = (
        Unit.objects.under(unit)
        .filter(level=Level.BUILDING, latitude__isnull=False)
        .aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
    )
    if point["lat"] is None:
        return None
    return float(point["lat"]), float(point["lng"])
