"""Nearby search in a real browser: geolocation granted in Futian (see conftest), no map tiles."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def futian_centers():
    from tests.factory import make_tree
    from tests.factory_centers import make_center

    tree = make_tree()
    # The browser stands at 22.5431, 114.0579 (tests/conftest.py FUTIAN).
    nearest = make_center(tree.community1, "市民中心党群服务中心", lat=22.5440, lng=114.0579)
    make_center(tree.community2, "莲花山党群服务中心", lat=22.5480, lng=114.0590)
    make_center(tree.street1, "远处党群服务中心", lat=22.5600, lng=114.0800)
    return nearest


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    # No network here (nor on many intranets): tiles fail, the page must still work as a list.
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), lambda route: route.abort())
    return page


def test_nearby_uses_the_browser_location_and_lists_the_nearest_first(live_server, phone, futian_centers, axe):
    phone.goto(live_server.url + "/centers/nearby/")
    assert axe(phone) == []
    with phone.expect_navigation():
        phone.get_by_role("button", name="使用我的位置").click()
    first = phone.locator("#nearby-results li").first
    first.wait_for()
    text = first.inner_text()
    assert "市民中心党群服务中心" in text
    assert re.search(r"\b100 米", text), text  # 0.0009° of latitude ≈ 100 m
    assert phone.locator("#nearby-results li").count() == 2  # the third is beyond 1 km
    # The answer is where the eye and the focus are: results in the first screen, focused.
    assert phone.evaluate("document.activeElement.id") == "results-h"
    assert phone.locator("#results-h").bounding_box()["y"] < 844
    amap = first.get_by_role("link", name="高德地图")
    assert amap.get_attribute("href").startswith("https://uri.amap.com/marker?position=114.")
    assert axe(phone) == []


def test_detail_page_works_without_tiles_and_passes_axe(live_server, phone, futian_centers, axe):
    phone.goto(f"{live_server.url}/centers/{futian_centers.pk}/")
    assert phone.locator("h1").inner_text() == "市民中心党群服务中心"
    assert phone.locator("#center-map").count() == 1
    assert axe(phone) == []


def test_list_page_passes_axe_and_the_browser_shifts_like_the_server(live_server, phone, futian_centers, axe):
    from portal.core import geo

    phone.goto(live_server.url + "/centers/")
    assert phone.locator("li.center-item").count() == 3
    assert axe(phone) == []
    # static/centers/geo.js must agree with portal/core/geo.py, both ways.
    for lat, lng in [(22.5431, 114.0579), (39.915, 116.404), (51.5, -0.12)]:
        shifted = phone.evaluate(f"CenterGeo.toGcj({lat}, {lng})")
        assert shifted == pytest.approx(list(geo.wgs84_to_gcj02(lat, lng)), abs=1e-9)
        back = phone.evaluate(f"CenterGeo.toWgs({shifted[0]}, {shifted[1]})")
        assert geo.haversine_m(lat, lng, *back) < 0.01


def test_the_map_stops_asking_for_tiles_after_the_first_failure(live_server, phone, futian_centers):
    # Each failed tile is an error in the console: after the first, map.js takes the layer away
    # (no request on zoom or pan) and says why the box is grey.
    tiles = []
    phone.on("request", lambda request: tiles.append(request.url) if live_server.url not in request.url else None)
    phone.goto(f"{live_server.url}/centers/{futian_centers.pk}/")
    phone.locator("#center-map").scroll_into_view_if_needed()
    note = phone.locator(".center-map-note")
    note.wait_for()
    assert note.inner_text() == "地图底图无法加载；服务中心已在本页列出。"
    asked = len(tiles)
    assert asked >= 1
    phone.locator(".leaflet-control-zoom-in").click()
    phone.wait_for_timeout(800)  # Leaflet's zoom animation, after which new tiles would be asked for
    assert phone.locator(".leaflet-marker-icon").count() == 1
    assert len(tiles) == asked, tiles[asked:]
