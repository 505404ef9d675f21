"""Helpers shared by the public and staff center pages."""

import math

from django.conf import settings
from django.utils.translation import gettext as _

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


def map_config(markers, *, picker=False, center=None):
    """What static/centers/map.js needs; markers are WGS-84, the script shifts them for GCJ-02 tiles."""
    return {
        "tiles": settings.MAP_TILE_URL,
        "crs": settings.MAP_TILE_CRS,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "markers": markers,
        "picker": picker,
        "center": center,
    }


def marker(center, url=None, label=None):
    return {
        "lat": center.latitude,
        "lng": center.longitude,
        "name": center.name,
        "url": url or "",
        "label": label or "",
    }
