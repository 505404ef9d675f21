"""Great-circle distance and the WGS-84 ⇄ GCJ-02 shift on reference points."""

import pytest

from portal.core import geo

# Known city pairs (city-centre coordinates) and their great-circle distances in km.
CITY_PAIRS = [
    ((39.9042, 116.4074), (31.2304, 121.4737), 1067.0),  # Beijing – Shanghai
    ((51.5074, -0.1278), (48.8566, 2.3522), 343.6),  # London – Paris
    ((40.7128, -74.0060), (34.0522, -118.2437), 3936.0),  # New York – Los Angeles
]


@pytest.mark.parametrize(("a", "b", "km"), CITY_PAIRS)
def test_distance_on_known_city_pairs(a, b, km):
    assert geo.haversine_m(*a, *b) / 1000 == pytest.approx(km, rel=0.005)


def test_distance_is_symmetric_and_zero_on_the_spot():
    assert geo.haversine_m(22.54, 114.05, 22.54, 114.05) == 0
    assert geo.haversine_m(22.54, 114.05, 22.55, 114.06) == pytest.approx(geo.haversine_m(22.55, 114.06, 22.54, 114.05))


def test_one_thousandth_of_a_degree_of_latitude_is_about_111_m():
    assert geo.haversine_m(22.0, 114.0, 22.001, 114.0) == pytest.approx(111.19, abs=0.05)


def test_forward_transform_matches_the_published_reference_vector():
    # The README vector of the widely used coordtransform / eviltransform implementations:
    # wgs84togcj02(116.404, 39.915) -> (116.41024449916938, 39.91640428150164).
    lat, lng = geo.wgs84_to_gcj02(39.915, 116.404)
    assert lat == pytest.approx(39.91640428150164, abs=1e-9)
    assert lng == pytest.approx(116.41024449916938, abs=1e-9)


REFERENCE = [
    # WGS-84 (lat, lng) -> GCJ-02 (lat, lng), same formula, rounded to 1e-5° (~1 m)
    ((39.9087, 116.3975), (39.91010, 116.40374)),  # Tiananmen, Beijing
    ((22.5431, 114.0579), (22.54038, 114.06301)),  # Futian civic center, Shenzhen
]


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_forward_transform_on_more_reference_points(wgs, gcj):
    lat, lng = geo.wgs84_to_gcj02(*wgs)
    assert geo.haversine_m(lat, lng, *gcj) < 2


def test_the_shift_is_hundreds_of_metres_in_china():
    lat, lng = geo.wgs84_to_gcj02(22.5431, 114.0579)
    assert 300 < geo.haversine_m(22.5431, 114.0579, lat, lng) < 700


@pytest.mark.parametrize("point", [(51.5074, -0.1278), (-33.8688, 151.2093), (40.7128, -74.006), (60.0, 100.0)])
def test_identity_outside_mainland_china(point):
    assert geo.wgs84_to_gcj02(*point) == point
    assert geo.gcj02_to_wgs84(*point) == point


@pytest.mark.parametrize(
    "point", [(22.5431, 114.0579), (39.9087, 116.3975), (31.2304, 121.4737), (45.75, 126.63), (18.25, 109.5)]
)
def test_round_trip_is_under_a_metre(point):
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(*point))
    assert geo.haversine_m(*point, *back) < 0.01


def test_inverse_of_a_point_picked_on_a_gcj02_map():
    picked = (22.54038281422246, 114.06301399856547)  # what an AMap click on the civic center gives
    lat, lng = geo.gcj02_to_wgs84(*picked)
    assert geo.haversine_m(lat, lng, 22.5431, 114.0579) < 1


def test_bounding_box_contains_the_circle():
    min_lat, max_lat, min_lng, max_lng = geo.bounding_box(22.54, 114.05, 1000)
    assert geo.haversine_m(22.54, 114.05, max_lat, 114.05) == pytest.approx(1000, rel=1e-6)
    assert geo.haversine_m(22.54, 114.05, 22.54, max_lng) >= 1000
    assert min_lat < 22.54 < max_lat and min_lng < 114.05 < max_lng


def test_bd09_matches_the_published_reference_vector():
    # coordtransform's README: gcj02tobd09(116.404, 39.915) = [116.41036949371029, 39.92133699351021]
    lat, lng = geo.gcj02_to_bd09(39.915, 116.404)
    assert lat == pytest.approx(39.92133699351021, abs=1e-9)
    assert lng == pytest.approx(116.41036949371029, abs=1e-9)


def test_wgs84_to_bd09_chains_both_shifts():
    assert geo.wgs84_to_bd09(39.915, 116.404) == geo.gcj02_to_bd09(*geo.wgs84_to_gcj02(39.915, 116.404))
