"""Residents' pages: list, detail, nearby search, and the open-data feeds. No login."""

from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.models import Level, Unit
from portal.core import geo

from .. import hours, services
from ..models import Center, Kind, Photo, Service
from .common import BadInput, map_config, marker, parse_int, parse_point

PER_PAGE = 20


def _annotate_state(centers, moment=None):
    """Set open_now / next_opening_text on each center (prefetched hours: no queries)."""
    for center in centers:
        open_now, current, opening = center.state(moment)
        center.open_now = open_now
        center.current_interval = current
        center.next_opening_text = hours.describe_opening(opening, moment)
    return centers


def _units_for_filters():
    """Streets and communities for the filter menus, in one query."""
    units = list(Unit.objects.filter(level__in=[Level.STREET, Level.COMMUNITY]).only("pk", "name", "level", "path"))
    streets = sorted((u for u in units if u.level == Level.STREET), key=lambda u: u.path)
    communities = sorted((u for u in units if u.level == Level.COMMUNITY), key=lambda u: u.path)
    return streets, communities


def _pick(units, raw):
    raw = (raw or "").strip()
    return next((u for u in units if str(u.pk) == raw), None)


@require_safe
def center_list(request):
    streets, communities = _units_for_filters()
    centers = Center.objects.public().select_related("owner").prefetch_related("services").with_hours()
    street = _pick(streets, request.GET.get("street"))
    community = _pick(communities, request.GET.get("community"))
    if community:
        centers = centers.under(community)
    elif street:
        centers = centers.under(street)
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        centers = centers.filter(kind=kind)
    service_id = request.GET.get("service", "")
    if service_id.isdigit() and len(service_id) < 10:  # a huge number would overflow the integer column
        centers = centers.filter(services=int(service_id))
    open_now = request.GET.get("open") == "1"
    if open_now:
        centers = centers.open_at()
    query = request.GET.get("q", "").strip()[:50]
    if query:
        centers = centers.filter(Q(name__icontains=query) | Q(address__icontains=query))
    # Pagination by slicing one row past the page: no COUNT(*) over a national-size table.
    page_raw = request.GET.get("page", "1")
    page_number = int(page_raw) if page_raw.isdigit() and 0 < int(page_raw) < 100_000 else 1
    start = (page_number - 1) * PER_PAGE
    rows = list(centers.order_by("name", "pk")[start : start + PER_PAGE + 1])
    has_next = len(rows) > PER_PAGE
    rows = _annotate_state(rows[:PER_PAGE])
    context = {
        "centers": rows,
        "page_number": page_number,
        "has_next": has_next,
        "has_previous": page_number > 1,
        "streets": streets,
        "communities": communities,
        "street": street,
        "community": community,
        "kinds": Kind.choices,
        "kind": kind,
        "all_services": Service.objects.all(),
        "service_id": service_id,
        "open_now": open_now,
        "query": query,
        "map": map_config([marker(c, reverse("center_detail", args=[c.pk])) for c in rows]),
    }
    return render(request, "centers/center_list.html", context)


@require_safe
def center_detail(request, center_pk):
    queryset = (
        Center.objects.public()
        .select_related("owner")
        .prefetch_related("services", "rooms", Prefetch("photos", queryset=Photo.objects.order_by("position", "pk")))
        .with_hours()
    )
    center = get_object_or_404(queryset, pk=center_pk)
    _annotate_state([center])
    context = {
        "center": center,
        "week": center.week_table(),
        "map": map_config([marker(center)]),
        "today": hours.local_now().date(),
    }
    return render(request, "centers/center_detail.html", context)


@require_safe
def center_nearby(request):
    """Nearest centers to the browser's position (?lat=&lng=) or to a chosen street/community."""
    streets, communities = _units_for_filters()
    error, origin, origin_label, results, within = None, None, "", [], True
    area = _pick(communities, request.GET.get("community")) or _pick(streets, request.GET.get("street"))
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
        _annotate_state(results)
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
    return render(request, "centers/center_nearby.html", context, status=400 if bad_point else 200)


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
