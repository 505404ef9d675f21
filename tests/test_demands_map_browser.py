"""Picking the place of a demand on the intake map (real Chromium, a touch phone, GCJ-02 tiles
blocked by an empty answer): the tap fills the hidden fields with the WGS-84 point under the finger,
shifted back from the tiles' datum, and the demand is filed there."""

import math
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844
TAP = (60, -40)  # CSS pixels from the map's centre: clear of the zoom buttons and the attribution


def _unproject(x, y, zoom):
    """Web Mercator (Leaflet's EPSG:3857) world pixel → (lat, lng)."""
    size = 256 * 2**zoom
    lng = x / size * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / size))))
    return lat, lng


def _project(lat, lng, zoom):
    size = 256 * 2**zoom
    s = math.sin(math.radians(lat))
    return (lng + 180) / 360 * size, (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * size


def test_a_tap_on_the_intake_map_fills_wgs84_and_the_demand_is_filed_there(
    live_server, browser, browser_context_args, settings
):
    from decimal import Decimal

    from django.core.cache import cache

    from grids.models import Demand
    from grids.views.demands import PICKER_ZOOM
    from portal.core.geo import gcj02_to_wgs84, haversine_m, wgs84_to_gcj02
    from tests import factory_demands as fd
    from tests.conftest import FUTIAN
    from tests.factory import make_tree

    settings.MAP_TILE_CRS = "gcj02"
    cache.clear()  # the intake page is cached: drawn again with GCJ-02 tiles
    tree = make_tree()
    tree.building1.latitude = Decimal(str(FUTIAN["latitude"]))
    tree.building1.longitude = Decimal(str(FUTIAN["longitude"]))
    tree.building1.save()
    category = fd.category(tree.community1)

    context = browser.new_context(
        **{**browser_context_args, "viewport": {"width": WIDTH, "height": HEIGHT}, "has_touch": True}
    )
    phone = context.new_page()
    tiles = []

    def offline(route):
        if route.request.url.startswith("https://tile.openstreetmap.org/"):
            tiles.append(route.request.url)
            route.fulfill(status=200, body=b"")  # tiles "load" empty: the map is grey
        else:
            route.abort()

    phone.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), offline)
    phone.goto(live_server.url + "/demands/new/")
    phone.locator("#id_category").select_option(str(category.pk))
    phone.locator("#id_title").fill("井盖松动")
    phone.locator("#id_description").fill("路口井盖踩上去会晃。")
    phone.locator("#demand-map").scroll_into_view_if_needed()
    phone.wait_for_selector("#demand-map.leaflet-container .leaflet-control-zoom-in")
    box = phone.locator("#demand-map").bounding_box()
    phone.touchscreen.tap(box["x"] + box["width"] / 2 + TAP[0], box["y"] + box["height"] / 2 + TAP[1])
    expect(phone.locator("#id_latitude")).not_to_have_value("")  # no eval: the page's CSP forbids it

    # The map opens on the district's centre, drawn in GCJ-02: the point under the finger is that
    # centre moved by TAP pixels at the starting zoom, in GCJ-02; the fields must hold its WGS-84.
    cx, cy = _project(*wgs84_to_gcj02(FUTIAN["latitude"], FUTIAN["longitude"]), PICKER_ZOOM)
    tapped_gcj = _unproject(cx + TAP[0], cy + TAP[1], PICKER_ZOOM)
    expected = gcj02_to_wgs84(*tapped_gcj)
    lat = phone.locator("#id_latitude").input_value()
    lng = phone.locator("#id_longitude").input_value()
    assert re.fullmatch(r"\d+\.\d{6}", lat) and re.fullmatch(r"\d+\.\d{6}", lng)
    assert haversine_m(float(lat), float(lng), *expected) < 5
    assert haversine_m(float(lat), float(lng), *tapped_gcj) > 200  # shifted back, not the tiles' datum
    assert phone.locator("#demand-location-status").inner_text() == "已在地图上标出位置。"
    assert phone.locator("#demand-map .leaflet-marker-icon").count() == 1
    assert tiles and phone.evaluate("document.documentElement.scrollWidth") <= WIDTH

    phone.locator("#id_anonymous").check()
    with phone.expect_navigation():
        phone.locator("form[enctype] button[type=submit]").click()
    demand = Demand.objects.get()
    assert (demand.latitude, demand.longitude) == (Decimal(lat), Decimal(lng))
    assert (demand.community, demand.unit) == (tree.community1, tree.grid1)
    assert demand.code in phone.locator("main").inner_text()
    context.close()
