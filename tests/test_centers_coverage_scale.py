"""The coverage analysis at scale (issue 15): a constant number of queries whatever the number of
building groups, and the same answer as one nearby query per building group."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centers.models import Center
from centers.services.coverage import coverage
from centers.services.nearby import nearest_operating
from centers.services.nearest import nearest_operating_many
from grids.models import Level, Unit
from portal.core import geo
from tests.factory_centers import make_center
from tests.factory_scale import make_buildings


def _centers(tree, count, *, seed=7):
    rng = random.Random(seed)
    for i in range(count):
        make_center(
            tree.community1, f"中心{i}", lat=22.54 + rng.uniform(-0.07, 0.07), lng=114.05 + rng.uniform(-0.07, 0.07)
        )


def _queries(buildings):
    with CaptureQueriesContext(connection) as queries:
        result = coverage(buildings=buildings)
    return len(queries), result


def test_coverage_makes_the_same_few_queries_at_two_sizes(tree):
    _centers(tree, 12)
    make_buildings(tree.grid1, 40)
    small, result = _queries(Unit.objects.all())
    assert len(result.rows) == 42
    make_buildings(tree.grid2, 400, seed=16)
    large, result = _queries(Unit.objects.all())
    assert len(result.rows) == 442
    assert small == large <= 4


def test_set_based_nearest_agrees_with_one_nearby_query_per_point(tree):
    _centers(tree, 25)
    make_center(tree.community2, "停用", lat=22.54, lng=114.05, status="closed")
    rng = random.Random(3)
    # Near the centers, between them, and far away (nothing within 3 km: the widening passes).
    points = [(22.54 + rng.uniform(-0.1, 0.1), 114.05 + rng.uniform(-0.1, 0.1)) for _ in range(150)]
    points += [(22.9, 114.5), (23.5, 113.0), (30.0, 120.0), (22.54, 114.05)]
    found = nearest_operating_many(points)
    for (lat, lng), got in zip(points, found, strict=True):
        expected = nearest_operating(lat=lat, lng=lng)
        if expected is None:  # past the per-point search's last radius (300 km): found all the same
            assert got.distance_m > 300_000
            continue
        assert (got.pk, got.name) == (expected.pk, expected.name)
        assert got.distance_m == pytest.approx(expected.distance_m, abs=0.01)


def test_no_operating_center_anywhere_leaves_every_building_uncovered(tree):
    make_center(tree.community1, lat=22.55, lng=114.08, status="suspended")
    result = coverage(buildings=Unit.objects.filter(level=Level.BUILDING))
    assert [row["center"] for row in result.rows] == [None, None]
    assert len(result.uncovered) == 2 and result.share == 0


def test_coverage_rows_agree_with_one_nearby_query_per_building_group(tree):
    """A sample of the analysis's rows against the per-point nearby query it replaced: the same
    center, and the distance `geo.haversine_m` gives to the last bit (the grid inlines it)."""
    _centers(tree, 30, seed=11)
    make_center(tree.community2, "停用", lat=22.54, lng=114.05, status="suspended")
    make_buildings(tree.grid1, 120, seed=21, span_deg=0.2)
    make_buildings(tree.grid2, 3, seed=22, lat=23.2, lng=113.3, prefix="远")  # far from every center
    result = coverage(buildings=Unit.objects.all())
    assert len(result.rows) == 125
    sample = result.rows[::5] + [row for row in result.rows if row["unit"].name.startswith("远")]
    assert len(sample) == 28
    for row in sample:
        building, center = row["unit"], row["center"]
        lat, lng = float(building.latitude), float(building.longitude)
        expected = nearest_operating(lat=lat, lng=lng)
        assert (center.pk, center.name) == (expected.pk, expected.name)
        c_lat, c_lng = map(float, Center.objects.values_list("latitude", "longitude").get(pk=center.pk))
        assert row["distance_m"] == geo.haversine_m(lat, lng, c_lat, c_lng)
        assert row["covered"] == (row["distance_m"] <= 1000)
    far = [row for row in result.rows if row["unit"].name.startswith("远")]
    assert [row["covered"] for row in far] == [False] * 3 and all(row["distance_m"] > 50_000 for row in far)
    assert result.share == sum(row["covered"] for row in result.rows) / 125
