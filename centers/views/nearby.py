"""Nearby search (no login): the page for residents, nearby.json, and all centers as GeoJSON."""

import math

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core import geo

from ..models import Center
from ..services import nearby as services
from .common import annotate_state, map_config, marker, pick, units_for_filters

LAT_BOUNDS = (-90.0, 90.0)
LNG_BOUNDS = (-180.0, 180.0)


class BadInput(ValueError):
    """Carries the Chinese (translated) message for a 400 answer."""


def parse_float(raw, name, bounds):
    if raw is None or str(raw).strip() == "":
        raise BadInput(_("Give %(name)s.") % {"name": name})
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise BadInput(_("%(name)s must be a number.") % {"name": name}) from None
    if not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
        raise BadInput(
            _("%(name)s must lie between %(low)s and %(high)s.") % {"name": name, "low": bounds[0], "high": bounds[1]}
        )
    return value


def parse_int(raw, name, default, maximum):
    """A positive integer, capped at `maximum` (asking for more silently gets the cap)."""
    if raw is None or str(raw).strip() == "":
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise BadInput(_("%(name)s must be a whole number.") % {"name": name}) from None
    if value < 1:
        raise BadInput(_("%(name)s must be at least 1.") % {"name": name})
    return min(value, maximum)


def parse_point(params):
    lat = parse_float(params.get("lat"), _("latitude (lat)"), LAT_BOUNDS)
    lng = parse_float(params.get("lng"), _("longitude (lng)"), LNG_BOUNDS)
    return lat, lng


@require_safe
def center_nearby(request):
    """Nearest centers to the browser's position (?lat=&lng=) or to a chosen street/community."""
    streets, communities = units_for_filters()
    error, origin, origin_label, results, within = None, None, "", [], True
    area = pick(communities, request.GET.get("community")) or pick(streets, request.GET.get("street"))
    if request.GET.get("lat") or request.GET.get("lng"):
        try:
            origin = parse_point(request.GET)
            origin_label = _("your location")
        except BadInput as exc:
            error = str(exc)
    elif area is not None:
        origin = services.unit_centroid(area)
        origin_label = area.name
        if origin is None:
            error = _("No position is known for %(name)s yet. Please use your location instead.") % {"name": area.name}
    if origin is not None:
        centers = Center.objects.public().select_related("owner").with_hours()
        results, within = services.nearby(
            lat=origin[0], lng=origin[1], radius_m=services.COVERAGE_RADIUS_M, queryset=centers
        )
        annotate_state(results)
    context = {
        "streets": streets,
        "communities": communities,
        "area": area,
        "error": error,
        "origin": origin,
        "origin_label": origin_label,
        "results": results,
        "within": within,
        "radius_m": services.COVERAGE_RADIUS_M,
        "map": map_config(
            [marker(c, reverse("center_detail", args=[c.pk]), f"{c.distance_m:.0f} m") for c in results],
            center={"lat": origin[0], "lng": origin[1]} if origin else None,
        ),
    }
    bad_point = error is not None and origin is None and area is None
    return render(request, "centers/nearby/search.html", context, status=400 if bad_point else 200)


def _json_error(message):
    return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})


@require_safe
def nearby_json(request):
    """WGS-84 in; centers within radius_m sorted by great-circle distance, with distance_m."""
    try:
        lat, lng = parse_point(request.GET)
        radius_m = parse_int(
            request.GET.get("radius_m"),
            _("search radius (radius_m)"),
            services.COVERAGE_RADIUS_M,
            services.MAX_RADIUS_M,
        )
        limit = parse_int(request.GET.get("limit"), _("number of results (limit)"), 20, services.MAX_LIMIT)
    except BadInput as exc:
        return _json_error(str(exc))
    centers = Center.objects.public().near(lat, lng, radius_m).with_hours()[:limit]
    results = []
    for center in centers:
        open_now, _current, _next = center.state()
        results.append(
            {
                "id": center.pk,
                "name": center.name,
                "kind": center.kind,
                "status": center.status,
                "address": center.address,
                "lat": center.latitude,
                "lng": center.longitude,
                "distance_m": round(center.distance_m, 1),
                "open_now": open_now,
                "url": request.build_absolute_uri(reverse("center_detail", args=[center.pk])),
            }
        )
    document = {"lat": lat, "lng": lng, "radius_m": radius_m, "limit": limit, "count": len(results), "results": results}
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def centers_geojson(request):
    """All public centers as GeoJSON, WGS-84 by default; ?crs=gcj02 for Chinese map tiles."""
    crs = request.GET.get("crs", "wgs84").lower()
    if crs not in {"wgs84", "gcj02"}:
        return _json_error(_("crs must be wgs84 or gcj02."))
    features = []
    rows = (
        Center.objects.public()
        .order_by("pk")
        .values_list("pk", "name", "kind", "sub_kind", "status", "address", "latitude", "longitude")
    )
    for pk, name, kind, sub_kind, status, address, lat, lng in rows.iterator(chunk_size=2000):
        if crs == "gcj02":
            lat, lng = geo.wgs84_to_gcj02(lat, lng)
        features.append(
            {
                "type": "Feature",
                "id": pk,
                # GeoJSON (RFC 7946) orders positions longitude first.
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
                "properties": {"name": name, "kind": kind, "sub_kind": sub_kind, "status": status, "address": address},
            }
        )
    document = {"type": "FeatureCollection", "crs_name": crs, "features": features}
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json"
    response["Access-Control-Allow-Origin"] = "*"
    return response
