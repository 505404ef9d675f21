"""Nearby search: the database's great-circle ordering, radius, caps, bad input, and the
"done when" check: nearby.json agrees with a great-circle computation over the GeoJSON."""

import random

import pytest
from django.urls import reverse

from centers.models import Center, Kind, Status
from centers.services import nearby
from portal.core import geo
from tests.factory_centers import make_center

FUTIAN = (22.5431, 114.0579)


def _spread(tree, n=40, seed=7):
    rng = random.Random(seed)
    owners = [tree.community1, tree.community2]
    return [
        make_center(
            owners[i % 2],
            f"中心{i:02d}",
            lat=round(FUTIAN[0] + rng.uniform(-0.02, 0.02), 6),
            lng=round(FUTIAN[1] + rng.uniform(-0.02, 0.02), 6),
            hours={},
        )
        for i in range(n)
    ]


def test_near_orders_by_great_circle_distance_and_keeps_the_radius(tree):
    centers = _spread(tree)
    found = list(Center.objects.near(*FUTIAN, 1500))
    expected = sorted(
        (c for c in centers if geo.haversine_m(*FUTIAN, c.latitude, c.longitude) <= 1500),
        key=lambda c: geo.haversine_m(*FUTIAN, c.latitude, c.longitude),
    )
    assert [c.pk for c in found] == [c.pk for c in expected]
    assert found, "the fixture should put some centers within 1.5 km"
    for center in found:
        assert center.distance_m == pytest.approx(geo.haversine_m(*FUTIAN, center.latitude, center.longitude), abs=0.01)


def test_radius_edge_a_point_just_inside_and_just_outside(tree):
    step = 1 / geo.METRES_PER_DEGREE  # one metre of latitude
    inside = make_center(tree.community1, "内", lat=FUTIAN[0] + 999 * step, lng=FUTIAN[1])
    make_center(tree.community1, "外", lat=FUTIAN[0] + 1001 * step, lng=FUTIAN[1])
    assert [c.pk for c in Center.objects.near(*FUTIAN, 1000)] == [inside.pk]


def test_near_works_across_the_antimeridian_box_and_far_north(tree):
    far = make_center(tree.community1, "北", lat=69.0, lng=18.95)
    assert [c.pk for c in Center.objects.near(69.0, 18.96, 1000)] == [far.pk]


def test_fallback_gives_the_nearest_five_when_none_is_within_1_km(tree):
    _spread(tree)
    results, within = nearby.nearby(lat=22.40, lng=114.0, radius_m=1000)
    assert within is False
    assert len(results) == 5
    distances = [c.distance_m for c in results]
    assert distances == sorted(distances) and distances[0] > 1000


def _json(client, **params):
    return client.get(reverse("center_nearby_json"), params)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lat": "abc", "lng": "114"},
        {"lat": "22.5", "lng": ""},
        {"lat": "91", "lng": "114"},
        {"lat": "22.5", "lng": "-181"},
        {"lat": "nan", "lng": "114"},
        {"lat": "inf", "lng": "114"},
        {"lat": "22.5", "lng": "114", "radius_m": "-5"},
        {"lat": "22.5", "lng": "114", "radius_m": "1e3"},
        {"lat": "22.5", "lng": "114", "limit": "0"},
        {"lat": "22.5", "lng": "114", "limit": "many"},
    ],
)
def test_bad_input_gets_400_with_a_chinese_message(db, client, params):
    response = _json(client, **params)
    assert response.status_code == 400
    message = response.json()["error"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_radius_and_limit_are_capped(tree, client):
    _spread(tree, n=60)
    document = _json(client, lat=FUTIAN[0], lng=FUTIAN[1], radius_m=10**9, limit=10**6).json()
    assert document["radius_m"] == nearby.MAX_RADIUS_M
    assert document["limit"] == nearby.MAX_LIMIT
    assert document["count"] == nearby.MAX_LIMIT


def test_only_public_centers_are_found(tree, client):
    make_center(tree.community1, "筹建", lat=FUTIAN[0], lng=FUTIAN[1], status=Status.PREPARING)
    shown = make_center(tree.community1, "暂停", lat=FUTIAN[0], lng=FUTIAN[1] + 0.001, status=Status.SUSPENDED)
    results = _json(client, lat=FUTIAN[0], lng=FUTIAN[1]).json()["results"]
    assert [r["id"] for r in results] == [shown.pk]
    assert results[0]["open_now"] is False


def test_nearby_json_matches_a_great_circle_computation_over_the_geojson(tree, client):
    """Done when: for any point, the same centers in the same order as the GeoJSON says."""
    _spread(tree, n=80, seed=11)
    make_center(tree.community1, "新兴", lat=22.55, lng=114.06, kind=Kind.NEW_DOMAIN, sub_kind="market")
    features = client.get(reverse("centers_geojson")).json()["features"]
    rng = random.Random(3)
    for _ in range(25):
        lat, lng = FUTIAN[0] + rng.uniform(-0.03, 0.03), FUTIAN[1] + rng.uniform(-0.03, 0.03)
        radius = rng.choice([500, 1000, 2000, 5000])
        expected = sorted(
            (
                (geo.haversine_m(lat, lng, f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0]), f["id"])
                for f in features
            ),
        )
        expected = [(d, pk) for d, pk in expected if d <= radius][:20]
        results = _json(client, lat=lat, lng=lng, radius_m=radius, limit=20).json()["results"]
        assert [r["id"] for r in results] == [pk for _d, pk in expected]
        for result, (distance, _pk) in zip(results, expected, strict=True):
            assert result["distance_m"] == pytest.approx(distance, abs=0.06)


def test_geojson_in_gcj02_shifts_every_point(tree, client):
    center = make_center(tree.community1, lat=FUTIAN[0], lng=FUTIAN[1])
    wgs = client.get(reverse("centers_geojson")).json()["features"][0]
    gcj = client.get(reverse("centers_geojson"), {"crs": "gcj02"}).json()["features"][0]
    assert wgs["id"] == gcj["id"] == center.pk
    assert wgs["geometry"]["coordinates"] == [FUTIAN[1], FUTIAN[0]]
    lat, lng = geo.wgs84_to_gcj02(*FUTIAN)
    assert gcj["geometry"]["coordinates"] == pytest.approx([lng, lat])
    assert client.get(reverse("centers_geojson"), {"crs": "bd09"}).status_code == 400
