"""The latitude cell behind the nearby index (issue 15): near() gives exactly what a brute-force
great circle gives, at and across cell boundaries; the stored cell follows the latitude on every
write path; the migration fills it; the query reads the (lat_cell, longitude) index."""

import math
import random

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from centers.models import Center, Kind
from centers.models.centers import LAT_CELLS_PER_DEGREE, lat_cell
from portal.core import geo
from tests.factory_centers import make_center
from tests.test_centers_staff import _center_data, _hours

CELL = 1 / LAT_CELLS_PER_DEGREE
METRE = 1 / geo.METRES_PER_DEGREE  # a metre of latitude, in degrees
# Two cell boundaries in China's latitudes (3-54°N): Shenzhen's 22.5 and Harbin's 45.75.
BOUNDARIES = (22.5, 45.75)


def _bulk(owner, points):
    return Center.objects.bulk_create(
        Center(name=f"点{i}", kind=Kind.COMMUNITY, owner=owner, address="-", latitude=lat, longitude=lng)
        for i, (lat, lng) in enumerate(points)
    )


def _brute_force(lat, lng, radius_m):
    rows = Center.objects.values_list("pk", "latitude", "longitude")
    hits = [(geo.haversine_m(lat, lng, a, b), pk) for pk, a, b in rows]
    return [pk for distance, pk in sorted(hits) if distance <= radius_m]


def _stored_cells():
    return dict(Center.objects.values_list("pk", "lat_cell"))


def test_near_equals_a_brute_force_great_circle_at_and_across_cell_boundaries(tree):
    rng = random.Random(15)
    points = []
    for boundary in BOUNDARIES:
        lng = 114.05 if boundary < 30 else 126.63
        # Centers a few metres to a few kilometres on both sides of the boundary, and some exactly on it.
        points += [(boundary + rng.uniform(-3, 3) * CELL, lng + rng.uniform(-0.04, 0.04)) for _ in range(150)]
        points += [(boundary + rng.choice((-1, 1)) * rng.uniform(0, 20) * METRE, lng + rng.uniform(-0.01, 0.01))]
        points += [(boundary, lng + rng.uniform(-0.01, 0.01)) for _ in range(5)]
    points += [(rng.uniform(3, 54), rng.uniform(73, 135)) for _ in range(200)]  # the whole country, sparse
    _bulk(tree.community1, points)
    asked = 0
    for boundary in BOUNDARIES:
        lng = 114.05 if boundary < 30 else 126.63
        # Query points on the boundary, a metre either side, and a box edge exactly on a boundary.
        edges = [boundary, boundary - METRE, boundary + METRE, boundary + CELL / 2, boundary - 1000 * METRE]
        for lat in edges + [boundary + rng.uniform(-2, 2) * CELL for _ in range(10)]:
            for radius in (500, 1000, 3000, 30_000, 300_000):  # 3 km: several cells listed; 30 km+: a range
                expected = _brute_force(lat, lng, radius)
                assert [c.pk for c in Center.objects.near(lat, lng, radius)] == expected, (lat, lng, radius)
                asked += bool(expected)
    assert asked > 100, "most questions should have answers"


def test_the_radius_edge_next_to_a_cell_boundary(tree):
    # The box's upper edge falls in the cell above the query's: a center 999 m north is found, 1001 m is not.
    lat, lng = BOUNDARIES[0] - 500 * METRE, 114.05
    inside = make_center(tree.community1, "内", lat=lat + 999 * METRE, lng=lng, hours={})
    make_center(tree.community1, "外", lat=lat + 1001 * METRE, lng=lng, hours={})
    assert lat_cell(inside.latitude) == lat_cell(lat) + 1
    assert [c.pk for c in Center.objects.near(lat, lng, 1000)] == [inside.pk]


def test_the_equator_and_the_south_take_the_floor_not_the_truncation(tree):
    # A truncating cast would put -0.001° into cell 0 with +0.001°, and the cell list would miss it.
    south, north = _bulk(tree.community1, [(-0.001, 100.0), (0.001, 100.0)])
    assert _stored_cells() == {south.pk: -1, north.pk: 0}
    assert [c.pk for c in Center.objects.near(0.0, 100.0, 1000)] == _brute_force(0.0, 100.0, 1000)
    assert {c.pk for c in Center.objects.near(0.0, 100.0, 1000)} == {south.pk, north.pk}


def test_the_cell_is_right_after_every_write_path(tree, people, client_for):
    created = make_center(tree.community1, lat=22.5431, lng=114.0579, hours={})  # save()
    assert created.lat_cell == math.floor(22.5431 * 64)  # read back on insert
    bulk = _bulk(tree.community1, [(30.0 - METRE, 104.06), (39.9042, 116.4074)])  # bulk_create (the benchmarks)
    assert _stored_cells() == {created.pk: 1442, bulk[0].pk: 1919, bulk[1].pk: 2553}

    created.latitude = 22.4  # moved by save(), as the admin does
    created.save()
    Center.objects.filter(pk=bulk[0].pk).update(latitude=30.0)  # moved by a queryset update
    data = _center_data(tree.community1, latitude="45.75", longitude="126.63") | _hours([])  # the staff form
    response = client_for(people.meigang).post(reverse("staff_center_edit", args=[bulk[1].pk]), data)
    assert response.status_code == 302
    assert _stored_cells() == {created.pk: 1433, bulk[0].pk: 1920, bulk[1].pk: 2928}
    assert [c.pk for c in Center.objects.near(45.75, 126.63, 100)] == [bulk[1].pk]
    assert [c.pk for c in Center.objects.near(39.9042, 116.4074, 1000)] == []


def _explain(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny: ask what an index scan uses
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(cell) for row in cursor.fetchall() for cell in row)


def test_the_query_seeks_each_cell_of_the_box_on_the_index(tree):
    _bulk(tree.community1, [(22.5 + i * CELL / 4, 114.0 + i * 0.001) for i in range(40)])
    plan = _explain(Center.objects.near(22.5431, 114.0579, 1000)[:20])
    assert "center_cell_lng" in plan
    if connection.vendor == "postgresql":
        assert "lat_cell = ANY" in plan and "longitude >=" in plan
    else:
        assert "(lat_cell=? AND longitude>? AND longitude<?)" in plan


MIGRATION_BEFORE = ("centers", "0005_room_bookings")
MIGRATION_CELL = ("centers", "0006_center_lat_cell")


@pytest.fixture
def migrating():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # the next test finds the schema it expects


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_cell_of_existing_centers(tree, migrating):
    executor = MigrationExecutor(connection)
    executor.migrate([MIGRATION_BEFORE])
    old = executor.loader.project_state([MIGRATION_BEFORE]).apps.get_model("centers", "Center")
    points = [(22.5431, 114.0579), (-33.8688, 151.2093), (53.0, 122.0)]
    pks = [
        old.objects.create(
            name=f"旧{i}", kind="community", owner_id=tree.community1.pk, address="-", latitude=lat, longitude=lng
        ).pk
        for i, (lat, lng) in enumerate(points)
    ]
    MigrationExecutor(connection).migrate([MIGRATION_CELL])
    assert _stored_cells() == {pk: lat_cell(lat) for pk, (lat, _lng) in zip(pks, points, strict=True)}
    assert [c.pk for c in Center.objects.near(-33.8688, 151.2093, 1000)] == [pks[1]]


def test_the_audit_trail_records_the_latitude_not_the_derived_cell(tree):
    from django.contrib.contenttypes.models import ContentType

    from grids.models import AuditEntry

    center = make_center(tree.community1, lat=22.5431, lng=114.0579, hours={})
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Center),
        object_pk=str(center.pk),
        action=AuditEntry.Action.CREATE,
    )
    assert entry.changes["latitude"] == [None, 22.5431]
    assert "lat_cell" not in entry.changes
