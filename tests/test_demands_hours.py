"""In-service members' 实事 (issue 11): the year's tally on the member page, and the list of
reported members below their district's yearly requirement (a per-district setting)."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grids.models import Category, DemandHelper, DemandHoursRule, LeftReason
from tests import factory_demands as fd
from tests import factory_members as fm


def _help(member, demand, hours, on):
    return DemandHelper.objects.create(demand=demand, member=member, hours=Decimal(hours), helped_on=on)


def _reported(tree, name, building=None):
    member = fm.make_member(tree.grid1, name, category=Category.IN_SERVICE)
    fm.make_report(member, building or tree.building1)
    return member


def test_the_member_page_shows_this_years_hours_with_a_constant_query_count(tree, people, client_for):
    client = client_for(people.huafu)
    member = _reported(tree, "钱实事")
    url = reverse("member_detail", args=[member.pk])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as none:
        response = client.get(url)
    assert response.context["demand_hours"] == Decimal("0")
    today = timezone.localdate()
    demand = fd.make_demand(tree.community1, status="in_progress")
    _help(member, demand, "2.5", today)
    _help(member, demand, "1.5", today.replace(month=1, day=1))
    _help(member, demand, "3", today.replace(year=today.year - 1))  # last year: not counted
    with CaptureQueriesContext(connection) as some:
        response = client.get(url)
    assert len(some) == len(none)
    assert response.context["demand_hours"] == Decimal("4.0")
    assert '<dd class="col-sm-9" id="demand-hours">4.0</dd>' in response.content.decode()


def test_the_list_shows_reported_members_below_their_districts_hours(tree, people, client_for):
    year = timezone.localdate().year
    on = dt.date(year, 3, 1)
    demand = fd.make_demand(tree.community1, status="in_progress")
    low, enough, default_low = _reported(tree, "低"), _reported(tree, "够"), _reported(tree, "莲", tree.building2)
    _help(low, demand, "4", on)
    _help(enough, demand, "6", on)
    _help(default_low, demand, "11.5", on)
    left = _reported(tree, "离")
    left.left_reason, left.left_on = LeftReason.DECEASED, on
    left.save(update_fields=["left_reason", "left_on"])
    fm.make_member(tree.grid1, "未报到", category=Category.IN_SERVICE)  # not reported: not listed
    url = reverse("demand_hours_below")

    # Without a setting, the default 12 hours: all three are below.
    response = client_for(people.district_admin).get(url)
    assert [(r.member.name, r.hours, r.required) for r in response.context["page"]] == [
        ("低", Decimal("4.0"), Decimal("12")),
        ("够", Decimal("6.0"), Decimal("12")),
        ("莲", Decimal("11.5"), Decimal("12")),
    ]
    # The district asks for 5 hours: only 低 is below.
    DemandHoursRule.objects.create(district=tree.district, yearly_hours=Decimal("5"))
    response = client_for(people.district_admin).get(url)
    assert [(r.member.name, r.hours, r.required) for r in response.context["page"]] == [
        ("低", Decimal("4.0"), Decimal("5.0"))
    ]
    # Scoped by the building group reported to; another year counts that year's hours only.
    assert [r.member.name for r in client_for(people.lianhua).get(url).context["page"]] == []
    response = client_for(people.huafu).get(url, {"year": year - 1})
    assert [(r.member.name, r.hours) for r in response.context["page"]] == [("低", 0), ("够", 0)]


def test_a_bad_year_is_refused_in_chinese(people, client_for):
    response = client_for(people.huafu).get(reverse("demand_hours_below"), {"year": "２０２６"})
    assert response.status_code == 400


def test_the_queue_offers_the_communities_and_grids_of_the_scope_and_filters_by_one(tree, people, client_for):
    here = fd.make_demand(tree.community1, "梅岗的")
    fd.make_demand(tree.community2, "狮岭的")
    client = client_for(people.district_admin)
    response = client.get(reverse("demand_queue"))
    assert [u.pk for u in response.context["units"]] == [
        tree.community1.pk,
        tree.grid1.pk,
        tree.community2.pk,
        tree.grid2.pk,
    ]
    assert f'<option value="{tree.grid1.pk}">梅岗社区 · 第1网格</option>' in response.content.decode()
    response = client.get(reverse("demand_queue"), {"unit": here.unit.pk})
    assert [d.title for d in response.context["page"]] == ["梅岗的"]
    # 华富's staff are offered 梅岗 only; 狮岭's grid chosen by hand gives nothing.
    client = client_for(people.huafu)
    assert [u.pk for u in client.get(reverse("demand_queue")).context["units"]] == [tree.community1.pk, tree.grid1.pk]
    assert list(client.get(reverse("demand_queue"), {"unit": tree.grid2.pk}).context["page"]) == []
