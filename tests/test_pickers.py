"""Search-as-you-type pickers (issue 15): scoped JSON endpoints in pages of 20, forms that never
render the scope (bounded HTML, constant queries with many members), the id still checked."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grids.models import LeftReason, Level, Report
from tests import factory_demands as fd
from tests.factory_members import make_claim, make_member, make_post
from tests.factory_scale import make_members
from tests.factory_volunteer import make_volunteer


def _pick(client, kind, **query):
    response = client.get(reverse(f"pick_{kind}"), query)
    assert response.status_code == 200, response.content
    return response.json()


def test_members_come_in_pages_of_20_inside_the_scope_only(tree, people, client_for):
    make_members(tree.grid1, 25, prefix="本街")
    make_member(tree.grid2, "外街党员")
    client = client_for(people.huafu)
    first = _pick(client, "members", need="edit")
    assert len(first["results"]) == 20 and first["more"] is True
    second = _pick(client, "members", need="edit", page=2)
    assert len(second["results"]) == 5 and second["more"] is False
    ids = {row["id"] for row in first["results"] + second["results"]}
    assert len(ids) == 25
    assert all(row["text"].startswith("本街") for row in first["results"])
    assert "华富街道 / 梅岗社区 / 第1网格" in first["results"][0]["text"]
    assert _pick(client, "members", q="外街")["results"] == []
    assert [row["text"][:4] for row in _pick(client, "members", q="本街3")["results"]] == ["本街3 "[:4]]


def test_members_who_left_are_not_offered(tree, people, client_for):
    make_member(tree.grid1, "在册党员")
    make_member(tree.grid1, "转出党员", left_reason=LeftReason.TRANSFERRED_OUT, left_on=date(2026, 1, 5))
    rows = _pick(client_for(people.huafu), "members", need="edit")["results"]
    assert [row["text"].split(" ")[0] for row in rows] == ["在册党员"]


def test_units_are_named_by_their_path_and_filtered_by_level(tree, people, client_for):
    client = client_for(people.huafu)
    rows = _pick(client, "units", level=str(Level.BUILDING))["results"]
    assert [row["text"] for row in rows] == ["华富街道 / 梅岗社区 / 第1网格 / 11栋"]
    both = _pick(client, "units", levels=f"{Level.COMMUNITY},{Level.BUILDING}")["results"]
    assert [row["id"] for row in both] == [tree.community1.pk, tree.building1.pk]


def test_posts_with_places_left_only_when_asked(tree, people, client_for):
    full = make_post(tree.building1, "已满岗位", capacity=1)
    make_claim(full, make_member(tree.grid1))
    make_post(tree.building1, "有空岗位", capacity=2)
    client = client_for(people.huafu)
    assert {row["text"].split(" · ")[-1] for row in _pick(client, "posts")["results"]} == {
        "已满岗位 (1/1)",
        "有空岗位 (0/2)",
    }
    assert [row["text"].split(" · ")[-1] for row in _pick(client, "posts", open="1")["results"]] == ["有空岗位 (0/2)"]


def test_volunteers_and_centers_inside_the_scope(tree, people, client_for):
    make_volunteer(tree.community1, "本街志愿者")
    make_volunteer(tree.community2, "外街志愿者")
    client = client_for(people.huafu)
    assert [row["text"].split(" · ")[0] for row in _pick(client, "volunteers")["results"]] == ["本街志愿者"]


@pytest.mark.parametrize("kind", ["units", "members", "volunteers", "centers", "posts", "teams"])
def test_without_an_assignment_403_and_bad_parameters_400(kind, people, client_for):
    assert client_for(people.nobody).get(reverse(f"pick_{kind}")).status_code == 403
    client = client_for(people.huafu)
    assert client.get(reverse(f"pick_{kind}"), {"page": "²"}).status_code == 400
    assert client.get(reverse(f"pick_{kind}"), {"need": "root"}).status_code == 400
    assert client.get(reverse(f"pick_{kind}"), {"q": "a\x00"}).status_code == 400


def test_a_viewer_may_search_to_view_but_not_to_edit(people, client_for):
    client = client_for(people.viewer)
    assert client.get(reverse("pick_units")).status_code == 200
    assert client.get(reverse("pick_units"), {"need": "edit"}).status_code == 403


def _form_page(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.content)


def test_volunteer_form_stays_the_same_size_with_many_members(tree, people, client_for):
    client = client_for(people.huafu)
    url = reverse("volunteer_staff_volunteer_new")
    make_members(tree.grid1, 3)
    small_queries, small_bytes = _form_page(client, url)
    make_members(tree.grid1, 400, prefix="又一")
    large_queries, large_bytes = _form_page(client, url)
    assert large_queries == small_queries
    assert abs(large_bytes - small_bytes) < 200  # not one <option> per member
    assert large_bytes < 60_000


def test_volunteer_edit_page_shows_the_chosen_member_and_refuses_one_outside(tree, people, client_for):
    inside = make_member(tree.grid1, "已选党员")
    volunteer = make_volunteer(tree.community1, "王芳", member=inside)
    html = client_for(people.huafu).get(reverse("volunteer_staff_volunteer_edit", args=[volunteer.pk])).content.decode()
    assert f'value="{inside.pk}"' in html and 'data-picker-label="已选党员 · 华富街道 / 梅岗社区 / 第1网格' in html
    assert 'data-picker="/staff/pick/members/?need=edit"' in html


def test_report_form_defaults_to_the_members_own_building_group(tree, people, client_for):
    member = make_member(tree.building1, "住楼党员")
    client = client_for(people.huafu)
    html = client.get(reverse("member_report", args=[member.pk])).content.decode()
    assert f'name="building" value="{tree.building1.pk}"' in html
    assert 'data-picker-label="华富街道 / 梅岗社区 / 第1网格 / 11栋"' in html
    response = client.post(
        reverse("member_report", args=[member.pk]), {"building": tree.building2.pk, "reported_on": "2026-03-01"}
    )
    assert response.status_code == 200 and "building" in response.context["form"].errors
    assert not Report.objects.exists()


def test_claim_form_searches_posts_with_places_left(tree, people, client_for):
    member = make_member(tree.grid1)
    html = client_for(people.huafu).get(reverse("member_claim", args=[member.pk])).content.decode()
    assert 'data-picker="/staff/pick/posts/?need=edit&amp;open=1"' in html


def test_admin_autocomplete_names_units_by_path_inside_the_scope(tree, people, client_for, world):
    client = client_for(people.huafu)
    query = {"app_label": "grids", "model_name": "member", "field_name": "unit", "term": "11栋"}
    rows = client.get(reverse("admin:autocomplete"), query).json()["results"]
    assert [row["text"] for row in rows] == ["华富街道 / 梅岗社区 / 第1网格 / 11栋"]


def test_admin_volunteer_form_searches_members_instead_of_listing_them(tree, people, client_for):
    make_members(tree.grid1, 50, prefix="名单")
    html = client_for(people.huafu).get(reverse("admin:projects_volunteer_add")).content.decode()
    assert "名单1" not in html and 'data-field-name="member"' in html and 'class="admin-autocomplete"' in html


def test_members_under_a_unit_of_the_scope_only(tree, people, client_for):
    make_member(tree.grid1, "梅岗党员")
    make_member(tree.grid2, "狮岭党员")
    client = client_for(people.district_admin)
    names = [row["text"].split(" ")[0] for row in _pick(client, "members", under=tree.community1.pk)["results"]]
    assert names == ["梅岗党员"]
    # A unit outside the scope narrows to nothing rather than widening the scope.
    assert _pick(client_for(people.huafu), "members", under=tree.community2.pk)["results"] == []


def test_a_demands_page_stays_the_same_size_with_many_members_and_takes_a_picked_helper(tree, people, client_for):
    client = client_for(people.meigang)
    demand = fd.make_demand(tree.community1, status="in_progress")
    url = reverse("demand_staff_detail", args=[demand.pk])
    make_members(tree.grid1, 3)
    small_queries, small_bytes = _form_page(client, url)
    make_members(tree.grid1, 400, prefix="又一")
    large_queries, large_bytes = _form_page(client, url)
    assert large_queries == small_queries
    assert abs(large_bytes - small_bytes) < 200  # not one <option> per member of the community
    picked = make_member(tree.grid1, "帮手党员")
    data = {"step": "helper", "helper-member": picked.pk, "helper-hours": "2", "helper-helped_on": "2026-03-01"}
    assert client.post(reverse("demand_act", args=[demand.pk]), data).status_code == 302
    assert list(demand.helpers.values_list("member__name", flat=True)) == ["帮手党员"]
    outside = make_member(tree.grid2, "外社区党员")
    data["helper-member"] = outside.pk
    assert client.post(reverse("demand_act", args=[demand.pk]), data).status_code == 400


@pytest.mark.parametrize("kind", ["members", "units", "posts"])
def test_a_search_runs_the_same_queries_with_25_and_70_records(kind, tree, people, client_for):
    client = client_for(people.huafu)
    counts = []
    for size, prefix in ((25, "甲"), (45, "乙")):
        make_members(tree.grid1, size, prefix=prefix)
        for n in range(size):
            make_post(tree.building1, f"{prefix}岗{n}")
        client.get(reverse(f"pick_{kind}"))  # the session read once
        with CaptureQueriesContext(connection) as queries:
            pages = [_pick(client, kind, page=page) for page in (1, 2)]
        counts.append(len(queries))
        if kind != "units":  # the test tree holds fewer than 20 units
            assert len(pages[0]["results"]) == 20 and pages[0]["more"] is True
        assert not {row["id"] for row in pages[0]["results"]} & {row["id"] for row in pages[1]["results"]}
    assert counts[0] == counts[1]
