"""/robots.txt: crawlers may read the public pages, never the staff and admin pages, the login,
nor a page reached with a resident's personal code (cancellation link, 我的报名, tracking)."""

from urllib.robotparser import RobotFileParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def robots(client):
    response = client.get(reverse("robots_txt"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    parser = RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    return parser


PUBLIC = [
    ("home", None),
    ("center_list", None),
    ("center_nearby", None),
    ("center_detail", {"center_pk": 1}),
    ("volunteer_index", None),
    ("volunteer_activity", {"activity_pk": 1}),
    ("volunteer_verify", None),
    ("micro_list", None),
    ("micro_detail", {"pk": 1}),
    ("micro_propose", None),
    ("demand_board", None),
    ("open_data", None),
]

PRIVATE = [
    ("staff_home", None),
    ("unit_list", None),
    ("admin:index", None),
    ("login", None),
    ("volunteer_cancel", {"token": "AbCdEfGh1234"}),
    ("volunteer_mine", None),
    ("micro_track", None),
    ("micro_track_code", {"code": "MSVCMAQ6PV"}),
    ("demand_track", None),
    ("demand_track_code", {"code": "D2026ABCD"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public_pages_are_allowed(robots, name, kwargs):
    assert robots.can_fetch("Baiduspider", reverse(name, kwargs=kwargs))


@pytest.mark.parametrize(("name", "kwargs"), PRIVATE, ids=[p[0] for p in PRIVATE])
def test_private_pages_are_disallowed(robots, name, kwargs):
    assert not robots.can_fetch("Baiduspider", reverse(name, kwargs=kwargs))
    assert not robots.can_fetch("*", reverse(name, kwargs=kwargs))
