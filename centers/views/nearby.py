"""Nearby search (no login): the page for residents, nearby.json, and all centers as GeoJSON."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core import geo, pagecache, params

from ..models import Center
from ..services import nearby as services
from .common import annotate_state, map_config, marker, pick, units_for_filters


@require_safe
@pagecache.public_page("centers", "grids", clock=True)
def center_nearby(request):
    """Nearest centers to the browser's position (?lat=&lng=) or to a chosen street/community."""
    streets, communities = units_for_filters()
    error, origin, origin_label, results, within = None, None, "", [], True
    area = pick(communities, params.pk(request.GET, "community", label=_("community"))) or pick(
        streets, params.pk(request.GET, "street", label=_("street"))
    )
    if params.text(request.GET, "lat") or params.text(request.GET, "lng"):
        try:
            origin = params.point(request.GET)
            origin_label = _("your location")
        except params.BadParameter as exc:
            error = exc.message
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
        for center in results:
            center.navigation = services.navigation_links(center)
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
            [marker(c, reverse("center_detail", args=[c.pk]), geo.format_distance(c.distance_m)) for c in results],
            center={"lat": origin[0], "lng": origin[1]} if origin else None,
        ),
    }
    bad_point = error is not None and origin is None and area is None
    return render(request, "centers/nearby/search.html", context, status=400 if bad_point else 200)


@require_safe
@pagecache.public_page("centers", "grids", clock=True)
def nearby_json(request):
    """WGS-84 in; centers within radius_m sorted by great-circle distance, with distance_m."""
    # Asking for more than the caps is not a mistake: the answer says what was used.
    lat, lng = params.point(request.GET)
    radius_m = params.integer(
        request.GET,
        "radius_m",
        default=services.COVERAGE_RADIUS_M,
        maximum=services.MAX_RADIUS_M,
        clamp=True,
        label=_("search radius (radius_m)"),
    )
    limit = params.integer(
        request.GET, "limit", default=20, maximum=services.MAX_LIMIT, clamp=True, label=_("number of results (limit)")
    )
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
@pagecache.public_page("centers")
def centers_geojson(request):
    """All public centers as GeoJSON, WGS-84 by default; ?crs=gcj02 for Chinese map tiles."""
    crs = params.choice(request.GET, "crs", ["wgs84", "gcj02"], default="wgs84", label="crs")
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
