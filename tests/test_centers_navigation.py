"""Residents navigate to a center with the map apps they use, and read distances in 米 / 公里."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from centers.services.nearby import navigation_links
from portal.core import geo
from portal.core.geo import format_distance as distance
from tests.factory_centers import make_center


@pytest.mark.parametrize(
    ("metres", "shown"),
    [(0, "0 米"), (849.6, "850 米"), (999.4, "999 米"), (1000, "1.0 公里"), (1640, "1.6 公里"), (16250, "16 公里")],
)
def test_distance_reads_in_metres_then_kilometres(metres, shown):
    assert distance(metres) == shown


def _query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_each_map_app_gets_the_point_in_its_own_datum(tree):
    center = make_center(tree.community1, lat=22.5431, lng=114.0579)
    (amap_label, amap), (baidu_label, baidu), (tencent_label, tencent) = navigation_links(center)
    assert (amap_label, baidu_label, tencent_label) == ("高德地图", "百度地图", "腾讯地图")
    g_lat, g_lng = geo.wgs84_to_gcj02(22.5431, 114.0579)
    b_lat, b_lng = geo.gcj02_to_bd09(g_lat, g_lng)
    assert amap.startswith("https://uri.amap.com/marker?")
    assert _query(amap)["position"] == f"{g_lng:.6f},{g_lat:.6f}"
    assert _query(baidu)["location"] == f"{b_lat:.6f},{b_lng:.6f}"
    assert _query(baidu)["coord_type"] == "bd09ll"
    assert _query(tencent)["marker"].startswith(f"coord:{g_lat:.6f},{g_lng:.6f};title:{center.name}")
    # The shift is real: a WGS-84 point handed over as is would be hundreds of metres off.
    assert geo.haversine_m(22.5431, 114.0579, g_lat, g_lng) > 100


def test_detail_and_nearby_offer_the_navigation_links(tree, client):
    center = make_center(tree.community1, lat=22.5431, lng=114.0579)
    html = client.get(reverse("center_detail", args=[center.pk])).content.decode()
    assert "uri.amap.com/marker" in html and "api.map.baidu.com/marker" in html and "apis.map.qq.com" in html
    html = client.get(reverse("center_nearby"), {"lat": "22.60", "lng": "114.0579"}).content.decode()
    assert "uri.amap.com/marker" in html
    assert "6.3 公里" in html  # about 6,300 m north: never "6297 米"
