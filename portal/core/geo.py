"""Great-circle distance and the WGS-84 ⇄ GCJ-02 (⇄ BD-09) datum shifts.

Storage is WGS-84 (GPS, browsers). Chinese map tiles (AMap, Tencent) are drawn in GCJ-02,
an obfuscated datum offset by a few hundred metres inside mainland China: points are shifted
for display and shifted back when picked on such a map, never in storage.

The forward transform is the widely published one (Krasovsky 1940 ellipsoid constants).
There is no closed-form inverse: `gcj02_to_wgs84` iterates the forward transform until the
round trip is under a millimetre (a handful of steps), far below the 1 m the issue asks for.
Outside mainland China the transform is the identity (the datum only applies there).
"""

import math

from django.utils.translation import gettext as _

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG), used by the SQL distance too
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as in the published GCJ-02 formula
_EE = 0.00669342162296594323  # its first eccentricity squared


def haversine_m(lat1, lng1, lat2, lng2):
    """Great-circle distance in metres between two WGS-84 points (same formula as the SQL)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def in_mainland_china(lat, lng):
    """The rough box the published transform uses (it includes Taiwan's longitudes; accepted)."""
    return 0.8293 <= lat <= 55.8271 and 72.004 <= lng <= 137.8347


def _d_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _d_lng(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat, lng):
    """(lat, lng) in GCJ-02 for a WGS-84 point; unchanged outside mainland China."""
    if not in_mainland_china(lat, lng):
        return lat, lng
    d_lat = _d_lat(lng - 105.0, lat - 35.0)
    d_lng = _d_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lng + d_lng


def gcj02_to_wgs84(lat, lng, tolerance_deg=1e-8, max_steps=20):
    """Invert wgs84_to_gcj02 by fixed-point iteration (converges to < 1 mm in ~5 steps)."""
    if not in_mainland_china(lat, lng):
        return lat, lng
    w_lat, w_lng = lat, lng
    for _step in range(max_steps):
        g_lat, g_lng = wgs84_to_gcj02(w_lat, w_lng)
        e_lat, e_lng = g_lat - lat, g_lng - lng
        w_lat, w_lng = w_lat - e_lat, w_lng - e_lng
        if abs(e_lat) < tolerance_deg and abs(e_lng) < tolerance_deg:
            break
    return w_lat, w_lng


# Baidu's BD-09 is a further, published shift of GCJ-02 (its own "x_pi" constant).
_X_PI = math.pi * 3000.0 / 180.0


def gcj02_to_bd09(lat, lng):
    """(lat, lng) in BD-09 for a GCJ-02 point: what Baidu Maps expects (outside China too)."""
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def wgs84_to_bd09(lat, lng):
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lng))


def bounding_box(lat, lng, radius_m):
    """(min_lat, max_lat, min_lng, max_lng) enclosing the circle; a prefilter for the index."""
    d_lat = radius_m / METRES_PER_DEGREE
    cos_lat = math.cos(math.radians(min(abs(lat) + d_lat, 89.9)))
    d_lng = min(180.0, d_lat / max(cos_lat, 1e-6))
    return lat - d_lat, lat + d_lat, lng - d_lng, lng + d_lng


def format_distance(metres):
    """ "850 米" below a kilometre, "1.6 公里" from there, "16 公里" from 10 km (never "16250 米")."""
    if metres is None or metres == "":
        return ""
    metres = float(metres)
    if metres < 1000:
        return _("%(m)d m") % {"m": round(metres)}
    km = metres / 1000
    shown = f"{km:.0f}" if km >= 10 else f"{km:.1f}"
    return _("%(km)s km") % {"km": shown}
