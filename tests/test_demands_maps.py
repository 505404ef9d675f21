"""The demands' maps (issue 11): the intake page's pick-on-the-map step, the public board's map of
its rows (rounded places, nothing personal) and the staff page's exact pin. The maps themselves are
drawn by static/centers/map.js from the json_script configuration checked here; the tap itself is
in tests/test_demands_map_browser.py."""

import json
import re
from decimal import Decimal

from django.urls import reverse

from tests import factory_demands as fd

NAME, MOBILE = "赵六六", "13912345678"
LEAFLET_JS = "/static/vendor/leaflet/leaflet.js"
OFFLINE = "地图底图无法加载；位置仍标在灰色地图上，本页不用地图也能使用。"
EXACT = {"latitude": Decimal("22.551234"), "longitude": Decimal("114.081234")}


def _container(page):
    """The attributes of the map container (None when the page has no map)."""
    found = re.search(r'<div id="demand-map"([^>]*)>', page)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', found.group(1))) if found else None


def _config(page):
    found = re.search(r'<script id="demand-map-config" type="application/json">(.*?)</script>', page, re.S)
    return found and found.group(1)


def _scripts(page):
    return re.findall(r'<script src="([^"]+)"', page)


def test_the_intake_page_offers_a_map_that_picks_the_hidden_fields(client, tree, settings):
    settings.MAP_TILE_CRS = "gcj02"
    page = client.get(reverse("demand_new")).content.decode()
    attrs = _container(page)
    assert attrs["data-map-config"] == "demand-map-config"
    assert attrs["data-leaflet-js"].endswith(LEAFLET_JS)
    assert attrs["data-status"] == "demand-location-status"
    assert attrs["data-picked"] == "已在地图上标出位置。"
    # Said when the tiles cannot load (map.js shows it as is: without it the note read "undefined").
    assert attrs["data-offline"] == OFFLINE
    config = json.loads(_config(page))
    assert (config["picker"], config["markers"], config["zoom"], config["crs"]) == (True, [], 15, "gcj02")
    assert config["tiles"] == settings.MAP_TILE_URL
    # The fields the tap fills, and the ways that work without a script, are all still there.
    for field in ('type="hidden" name="latitude"', 'type="hidden" name="longitude"', 'id="demand-location"'):
        assert field in page
    assert 'name="choose_street"' in page and 'id="id_community"' in page
    assert [s for s in _scripts(page) if "centers/" in s] == ["/static/centers/geo.js", "/static/centers/map.js"]


def test_the_street_step_keeps_the_map(client, tree):
    response = client.post(reverse("demand_new"), {"choose_street": "1", "street": tree.street1.pk})
    page = response.content.decode()
    assert response.status_code == 200 and 'name="choose_street"' in page
    assert json.loads(_config(page))["picker"] is True


def test_the_board_maps_its_rows_at_rounded_places_with_nothing_personal(client, tree):
    shown = fd.make_demand(tree.community1, "公开的", status="closed", name=NAME, mobile=MOBILE, **EXACT)
    fd.make_demand(tree.community1, "没有位置的", status="closed")
    fd.make_demand(
        tree.community1, "办理中的", status="in_progress", latitude=Decimal("22.5"), longitude=Decimal("114.1")
    )
    page = client.get(reverse("demand_board")).content.decode()
    assert _container(page)["data-map-config"] == "demand-map-config"
    assert "data-status" not in _container(page)
    assert _container(page)["data-offline"] == OFFLINE
    raw = _config(page)
    config = json.loads(raw)
    assert config["picker"] is False
    assert config["markers"] == [
        {"lat": 22.551, "lng": 114.081, "name": shown.category.name, "url": "", "label": tree.community1.name}
    ]
    for secret in (NAME, MOBILE, "5678", shown.code, "22.551234", "114.081234", "公开的", "三楼"):
        assert secret not in raw
    assert "/static/centers/map.js" in _scripts(page)


def test_a_board_without_located_rows_has_no_map(client, tree):
    fd.make_demand(tree.community1, "没有位置的", status="closed")
    page = client.get(reverse("demand_board")).content.decode()
    assert "没有位置的" in page
    assert _container(page) is None and _config(page) is None
    assert "/static/centers/map.js" not in _scripts(page)


def test_the_staff_page_pins_the_exact_place(client_for, tree, people):
    demand = fd.make_demand(tree.community1, **EXACT)
    page = client_for(people.meigang).get(reverse("demand_staff_detail", args=[demand.pk])).content.decode()
    assert _container(page)["data-leaflet-js"].endswith(LEAFLET_JS)
    config = json.loads(_config(page))
    assert config["markers"] == [
        {"lat": 22.551234, "lng": 114.081234, "name": demand.code, "url": "", "label": demand.category.name}
    ]
    assert config["picker"] is False
    assert "/static/centers/map.js" in _scripts(page)


def test_the_staff_page_of_an_unlocated_demand_has_no_map(client_for, tree, people):
    demand = fd.make_demand(tree.community1)
    page = client_for(people.meigang).get(reverse("demand_staff_detail", args=[demand.pk])).content.decode()
    assert demand.code in page
    assert _container(page) is None and "/static/centers/map.js" not in _scripts(page)
