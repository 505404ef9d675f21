"""Public pages of residents' demands: filing (steps, similar ones within 100 m, "我也遇到",
the rate limit), tracking by a code typed any way, the return visit, the board and its GeoJSON
and the stats section, none of which shows a name or a mobile."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from grids.models import Demand, DemandStatus, Satisfaction
from tests import factory_demands as fd
from tests.test_images import real_image

NAME, MOBILE = "赵六六", "13912345678"


def _form(tree, **extra):
    data = {
        "category": fd.category(tree.community1).pk,
        "title": "路灯不亮",
        "description": "小区门口路灯坏了一周。",
        "latitude": "22.550050",
        "longitude": "114.080050",
        "name": NAME,
        "mobile": MOBILE,
        "publish": "on",
    }
    data.update(extra)
    return data


def test_a_resident_files_a_located_demand_with_a_photo_and_follows_it(client, tree):
    response = client.post(reverse("demand_new"), {**_form(tree), "photos": [real_image()]})
    demand = Demand.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("demand_track_code", args=[demand.code])
    assert (demand.community, demand.unit) == (tree.community1, tree.grid1)
    assert demand.photos.count() == 1
    assert demand.resident_mobile == "139****5678"
    page = client.get(response["Location"]).content.decode()
    assert demand.code in page and "路灯不亮" in page
    assert NAME not in page and MOBILE not in page and "139****5678" not in page


def test_a_community_is_needed_without_a_location(client, tree):
    response = client.post(reverse("demand_new"), _form(tree, latitude="", longitude=""))
    assert response.status_code == 200 and not Demand.objects.exists()
    response = client.post(reverse("demand_new"), _form(tree, latitude="", longitude="", community=tree.community2.pk))
    assert Demand.objects.get().unit == tree.community2


def test_anonymous_needs_neither_name_nor_mobile_but_named_needs_both(client, tree):
    client.post(reverse("demand_new"), _form(tree, mobile=""))
    assert not Demand.objects.exists()
    client.post(reverse("demand_new"), _form(tree, name="", mobile="", anonymous="on"))
    assert Demand.objects.get().anonymous


def test_similar_open_demands_within_100_m_come_first_and_me_too_counts(client, tree):
    existing = fd.make_demand(tree.community1, latitude=Decimal("22.550000"), longitude=Decimal("114.080000"))
    fd.make_demand(tree.community1, "远处的", latitude=Decimal("22.560000"), longitude=Decimal("114.080000"))
    response = client.post(reverse("demand_new"), _form(tree))
    page = response.content.decode()
    assert response.status_code == 200 and Demand.objects.count() == 2
    assert existing.title in page and "远处的" not in page
    client.post(reverse("demand_also", args=[existing.pk]))
    assert Demand.objects.get(pk=existing.pk).also_count == 1
    response = client.post(reverse("demand_new"), _form(tree, confirm_new="on"))
    assert response.status_code == 302 and Demand.objects.count() == 3


def test_filing_is_rate_limited(client, tree, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "demand": "2/h"}
    for _n in range(2):
        client.post(reverse("demand_new"), _form(tree, latitude="", longitude="", community=tree.community1.pk))
    response = client.post(reverse("demand_new"), _form(tree, latitude="", longitude="", community=tree.community1.pk))
    assert response.status_code == 429 and Demand.objects.count() == 2


@pytest.mark.parametrize("typed", ["{code}", "{lower}", " {a} {b} ", "{a}-{b}"])
def test_codes_typed_any_way_find_the_demand(client, tree, typed):
    code = fd.make_demand(tree.community1).code
    text = typed.format(code=code, lower=code.lower(), a=code[:5].lower(), b=code[5:])
    response = client.get(reverse("demand_track"), {"code": text})
    assert response.status_code == 302 and response["Location"] == reverse("demand_track_code", args=[code])


def test_unknown_code_is_a_clear_404(client, tree):
    assert client.get(reverse("demand_track_code", args=["SQAAAAAAAA"])).status_code == 404


def test_the_resident_answers_the_return_visit_and_unsatisfied_reopens(client, tree):
    demand = fd.make_demand(tree.community1, status="handled")
    url = reverse("demand_track_code", args=[demand.code])
    assert "satisfaction" in client.get(url).content.decode()
    assert client.post(url, {"satisfaction": Satisfaction.UNSATISFIED}).status_code == 302
    demand.refresh_from_db()
    assert demand.status == DemandStatus.IN_PROGRESS and demand.reopen_count == 1
    client.post(url, {"satisfaction": Satisfaction.SATISFIED})  # not handled again: refused
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.IN_PROGRESS


def test_board_geojson_and_stats_show_handled_published_demands_without_personal_data(client, tree):
    shown = fd.make_demand(
        tree.community1,
        "公开的",
        status="closed",
        name=NAME,
        mobile=MOBILE,
        latitude=Decimal("22.551234"),
        longitude=Decimal("114.081234"),
    )
    fd.make_demand(tree.community1, "不公开的", status="closed", publish=False)
    withheld = fd.make_demand(tree.community1, "被撤下的", status="closed")
    Demand.objects.filter(pk=withheld.pk).update(withheld=True)
    fd.make_demand(tree.community1, "办理中的", status="in_progress")
    pages = [client.get(reverse("demand_board")).content.decode()]
    geo = client.get(reverse("demand_geojson"))
    pages.append(geo.content.decode())
    pages.append(client.get(reverse("open_stats")).content.decode())
    for page in pages:
        for secret in (NAME, MOBILE, "139****5678", "13912345678", shown.code, "22.551234", "114.081234"):
            assert secret not in page
        for hidden in ("不公开的", "被撤下的", "办理中的"):
            assert hidden not in page
    assert "公开的" in pages[0]
    features = geo.json()["features"]
    assert [f["geometry"]["coordinates"] for f in features] == [[114.081, 22.551]]
    stats = json.loads(pages[2])["demands"]
    assert stats["total"] == 4 and stats["by_status"]["closed"] == 3 and stats["satisfaction_rate"] == 100.0
