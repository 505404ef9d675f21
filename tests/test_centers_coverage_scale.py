"""The coverage analysis at scale (issue 15): a constant number of queries whatever the number of
building groups, and the same answer as one nearby query per building group."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centers.services.coverage import coverage
from centers.services.nearby import nearest_operating
from centers.services.nearest import nearest_operating_many
from grids.models import Level, Unit
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
