"""The configuration of the Leaflet maps (static/centers/map.js): the tile server, its datum and
the markers. Markers are always WGS-84 floats; the script shifts them for GCJ-02 tiles and shifts
a point picked on such a map back to WGS-84 before it fills a form."""

from django.conf import settings


def map_config(markers, *, picker=False, center=None, zoom=None):
    """What static/centers/map.js needs; markers are WGS-84, the script shifts them for GCJ-02 tiles.
    `zoom` is the starting zoom when there is no marker (a picker starts close enough to tap a street)."""
    return {
        "tiles": settings.MAP_TILE_URL,
        "crs": settings.MAP_TILE_CRS,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "markers": markers,
        "picker": picker,
        "center": center,
        "zoom": zoom,
    }


def point(lat, lng, name="", label="", url=""):
    """One marker; coordinates as floats (a Decimal would reach the script as a string)."""
    return {"lat": float(lat), "lng": float(lng), "name": name, "url": url, "label": label}
