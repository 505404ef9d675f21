"""Public pages: constant query counts, filters, detail content, nearby page, stats, home."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from centers.models import Center, Kind, RoomKind, Status
from tests.factory_centers import add_closure, add_rooms, make_center, service

FUTIAN = (22.5431, 114.0579)


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def _grow(tree, n, offset=0):
    for i in range(n):
        center = make_center(
            tree.community1 if i % 2 else tree.community2,
            f"扩充中心{offset + i}",
            lat=FUTIAN[0] + 0.0001 * i,
            lng=FUTIAN[1],
        )
        center.services.add(service("党员教育"), service("长者助餐"))
        add_rooms(center, (RoomKind.HALL, 100), (RoomKind.OFFICE, 8))
        add_closure(center, dt.date.today() + dt.timedelta(days=2))


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("center_list", {}),
        ("center_list", {"open": "1", "kind": "community", "q": "中心"}),
        ("center_nearby", {"lat": FUTIAN[0], "lng": FUTIAN[1]}),
        ("center_nearby_json", {"lat": FUTIAN[0], "lng": FUTIAN[1]}),
    ],
)
def test_public_lists_run_a_constant_number_of_queries(tree, client, name, params):
    _grow(tree, 3)
    small, _response = _count(client, reverse(name), params)
    _grow(tree, 30, offset=3)
    large, _response = _count(client, reverse(name), params)
    assert small == large <= 8


def test_detail_runs_a_constant_number_of_queries(tree, client, django_assert_num_queries):
    center = make_center(tree.community1)
    add_rooms(center, (RoomKind.HALL, 100))
    url = reverse("center_detail", args=[center.pk])
    small, _r = _count(client, url)
    add_rooms(center, *[(RoomKind.MEETING, 20)] * 10)
    for i in range(8):
        center.services.add(service(f"服务{i}"))
        add_closure(center, dt.date.today() + dt.timedelta(days=i + 1))
    with django_assert_num_queries(small):
        client.get(url)


def test_detail_shows_hours_rooms_services_and_a_tap_to_call_phone(tree, client):
    center = make_center(tree.community1, phone="0755-83456789")
    center.services.add(service("430学堂"))
    add_rooms(center, (RoomKind.AFTER_SCHOOL, 60))
    html = client.get(reverse("center_detail", args=[center.pk])).content.decode()
    assert 'href="tel:0755-83456789"' in html
    assert "430学堂" in html
    assert "08:30–12:00, 14:00–21:00" in html
    assert 'aria-current="date"' in html  # today highlighted
    assert 'id="center-map"' in html  # the map is extra: the page is complete without it


@pytest.mark.parametrize(
    ("clock", "badge", "not_shown"),
    [
        ("2026-12-01 10:00", "营业中", "今日休息"),  # a Tuesday morning
        ("2026-12-01 12:30", "当前未开放", "今日休息"),  # the noon gap: closed for now, opens at 14:00
        ("2026-11-30 10:00", "今日休息", "当前未开放"),  # Monday, the weekly rest day
    ],
)
def test_open_badge_tells_a_rest_day_from_closed_for_now(tree, client, monkeypatch, clock, badge, not_shown):
    center = make_center(tree.community1)
    moment = dt.datetime.fromisoformat(clock).replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    html = client.get(reverse("center_detail", args=[center.pk])).content.decode()
    badge_html = html.split('id="open-state"', 1)[1].split("</p>", 1)[0]
    assert badge in badge_html
    assert not_shown not in badge_html


def test_centers_in_preparation_are_not_public(tree, client):
    center = make_center(tree.community1, status=Status.PREPARING)
    assert client.get(reverse("center_detail", args=[center.pk])).status_code == 404
    assert center.name not in client.get(reverse("center_list")).content.decode()


def test_list_filters_by_street_kind_and_text(tree, client):
    a = make_center(tree.community1, "梅岗社区党群服务中心")
    b = make_center(tree.community2, "狮岭社区党群服务中心")
    c = make_center(tree.street2, "车公庙产业园党群服务中心", kind=Kind.NEW_DOMAIN, sub_kind="industrial_park")
    url = reverse("center_list")

    def names(**params):
        return {x.pk for x in client.get(url, params).context["centers"]}

    assert names() == {a.pk, b.pk, c.pk}
    assert names(street=tree.street2.pk) == {b.pk, c.pk}
    assert names(community=tree.community1.pk) == {a.pk}
    assert names(kind="new_domain") == {c.pk}
    assert names(q="狮岭") == {b.pk}
    # A malformed filter is refused with its message, never silently dropped (issue 9, section 3).
    assert client.get(url, {"street": "not-a-number"}).status_code == 400


def test_list_pages_without_a_count(tree, client):
    for i in range(25):
        make_center(tree.community1, f"中心{i:02d}")
    first = client.get(reverse("center_list"))
    assert len(first.context["centers"]) == 20 and first.context["has_next"]
    second = client.get(reverse("center_list"), {"page": 2})
    assert len(second.context["centers"]) == 5 and not second.context["has_next"]


def test_nearby_page_lists_the_nearest_first_with_distances(tree, client):
    near = make_center(tree.community1, "近的中心", lat=FUTIAN[0] + 0.001, lng=FUTIAN[1])
    make_center(tree.community2, "远一点的中心", lat=FUTIAN[0] + 0.005, lng=FUTIAN[1])
    response = client.get(reverse("center_nearby"), {"lat": FUTIAN[0], "lng": FUTIAN[1]})
    assert [c.pk for c in response.context["results"]][0] == near.pk
    html = response.content.decode()
    assert html.index("近的中心") < html.index("远一点的中心")
    assert "111 米" in html


def test_nearby_page_says_so_when_none_is_within_1_km(tree, client):
    for i in range(7):
        make_center(tree.community1, f"远中心{i}", lat=FUTIAN[0] + 0.02 + 0.001 * i, lng=FUTIAN[1])
    response = client.get(reverse("center_nearby"), {"lat": FUTIAN[0], "lng": FUTIAN[1]})
    assert response.context["within"] is False
    assert len(response.context["results"]) == 5
    assert "1000 米内没有" in response.content.decode()


def test_nearby_page_by_community_uses_its_building_groups(tree, client):
    center = make_center(tree.community1, lat=22.5505, lng=114.0805)
    response = client.get(reverse("center_nearby"), {"community": tree.community1.pk})
    assert [c.pk for c in response.context["results"]] == [center.pk]


def test_nearby_page_explains_bad_coordinates(db, client):
    response = client.get(reverse("center_nearby"), {"lat": "abc", "lng": "114"})
    assert response.status_code == 400
    assert "纬度" in response.content.decode()


def test_stats_count_public_centers_by_kind(tree, client):
    make_center(tree.district, "区中心", kind=Kind.DISTRICT)
    make_center(tree.community1)
    make_center(tree.community2, status=Status.PREPARING)
    section = client.get(reverse("open_stats")).json()["centers"]
    assert section["total"] == 2
    assert section["by_kind"]["district"] == 1 and section["by_kind"]["community"] == 1
    street = client.get(reverse("open_stats"), {"unit": tree.street1.pk}).json()["centers"]
    assert street["total"] == 1


def test_demo_seed_reports_116_centers(db, client):
    from centers import demo as centers_demo
    from grids import demo as grids_demo

    grids_demo.seed()
    centers_demo.seed()
    centers_demo.seed()  # idempotent
    section = client.get(reverse("open_stats")).json()["centers"]
    assert section["total"] == 116
    assert section["by_kind"] == {"district": 1, "street": 0, "community": 95, "new_domain": 20, "micro": 0}
    assert Center.objects.breaking_office_rule().exists()
    from centers.services import coverage
    from grids.models import Unit

    result = coverage.coverage(buildings=Unit.objects.all())
    assert 0.9 < result.share < 1  # most, not all, building groups within 1 km


def test_home_links_to_the_nearby_search(db, client):
    html = client.get(reverse("home")).content.decode()
    assert reverse("center_nearby") in html


@pytest.mark.parametrize(
    "params",
    [
        {"service": "99999999999999999999999"},
        {"street": "1" * 30, "community": "x", "kind": "nope", "page": "9" * 30},
        {"page": "0", "open": "yes", "q": "x" * 500},
    ],
)
def test_odd_list_parameters_get_400_with_a_message(db, client, params):
    response = client.get(reverse("center_list"), params)
    assert response.status_code == 400
    assert response.templates[0].name == "bad_request.html"
    assert response.context["message"]


@pytest.mark.parametrize(
    "params",
    [{"community": "9" * 30}, {"street": "-1"}, {"lat": "22.5"}, {"lng": "114"}, {"lat": "1e999", "lng": "114"}],
)
def test_odd_nearby_parameters_get_400(db, client, params):
    assert client.get(reverse("center_nearby"), params).status_code == 400


def test_map_settings_reach_the_page(tree, client, settings):
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    settings.MAP_TILE_CRS = "gcj02"
    center = make_center(tree.community1)
    html = client.get(reverse("center_detail", args=[center.pk])).content.decode()
    assert '"crs": "gcj02"' in html and "tiles.example" in html
    # Markers stay WGS-84 in the page: the browser shifts them for the GCJ-02 tiles.
    assert f'"lat": {center.latitude}' in html
