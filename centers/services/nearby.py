"""Nearby search: centers nearest to a point, widening the radius when none is close."""

from urllib.parse import urlencode

from django.db.models import Avg
from django.utils.translation import gettext as _

from grids.models import Level, Unit
from portal.core import geo

from ..models import Center

COVERAGE_RADIUS_M = 1000  # the promise of shared/domain/000: a center within 1 km of everyone
MAX_RADIUS_M = 50_000
MAX_LIMIT = 50
FALLBACK_COUNT = 5
# Radii tried, in order, when nothing lies within the asked radius: each is one indexed query.
_WIDENING = (3_000, 10_000, 30_000, 100_000, 300_000)
# Who asks, as the map apps' URL APIs want to know (`src` / `referer`).
SOURCE = "partyportal"


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


def navigation_links(center):
    """[(label, url)] opening 高德, 百度 and 腾讯 maps at the center, for residents to navigate.

    Storage is WGS-84; 高德 and 腾讯 take GCJ-02 and 百度 takes BD-09, so each URL carries the
    point in the datum its map expects (a WGS-84 point shown as is lands a few hundred metres off).
    """
    lat, lng = float(center.latitude), float(center.longitude)
    g_lat, g_lng = geo.wgs84_to_gcj02(lat, lng)
    b_lat, b_lng = geo.gcj02_to_bd09(g_lat, g_lng)
    name = center.name
    amap = {"position": f"{g_lng:.6f},{g_lat:.6f}", "name": name, "coordinate": "gaode", "callnative": "1"}
    baidu = {
        "location": f"{b_lat:.6f},{b_lng:.6f}",
        "title": name,
        "content": center.address,
        "coord_type": "bd09ll",
        "output": "html",
        "src": SOURCE,
    }
    tencent = {"marker": f"coord:{g_lat:.6f},{g_lng:.6f};title:{name};addr:{center.address}", "referer": SOURCE}
    return [
        (_("Amap"), "https://uri.amap.com/marker?" + urlencode(amap)),
        (_("Baidu Maps"), "https://api.map.baidu.com/marker?" + urlencode(baidu)),
        (_("Tencent Maps"), "https://apis.map.qq.com/uri/v1/marker?" + urlencode(tencent)),
    ]
