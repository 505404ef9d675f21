"""Query counts of the demands' pages, pinned at two data sizes (N+1 shows as a count that grows):
the staff queue, a demand's page, the rates page, the hours page and the public board."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grids.models import Category, DemandHelper, Satisfaction
from grids.services import demands as flow
from tests import factory_demands as fd
from tests import factory_members as fm

# What each page costs whatever the number of demands (the session, the user and the scope
# included): a page that starts reading per row fails here by name.
QUERIES = {
    "demand_queue": 7,
    "demand_staff_detail": 12,  # the helper picker reads no member until one is chosen
    "demand_rates": 9,
    "demand_rates_by_category": 9,
    "demand_hanging_board": 7,
    "demand_hours_below": 7,
}


def _world(tree, size):
    """`size` demands in each state in both communities, and one in progress in community1 with
    `size` notes and `size` helpers of each kind (reported in-service members and volunteers)."""
    on = dt.date(timezone.localdate().year, 3, 1)
    other = fd.category(tree.community1, "市政设施")
    for n in range(size):
        for community, cat in ((tree.community1, None), (tree.community2, other)):
            for status in ("pending", "accepted", "in_progress", "handled", "closed"):
                fd.make_demand(community, f"诉求{n}{status}", status=status, cat=cat)
    busy = fd.make_demand(tree.community1, "正在办的诉求", status="in_progress")
    for n in range(size):
        flow.add_note(demand=busy, actor=None, note=f"备注{n}")
        member = fm.make_member(tree.grid1, f"在职{n}", category=Category.IN_SERVICE)
        fm.make_report(member, tree.building1)
        DemandHelper.objects.create(demand=busy, member=member, hours=Decimal("1.5"), helped_on=on)
        flow.add_helper(demand=busy, actor=None, name=f"志愿者{n}", hours="1")
    flow.visit(demand=fd.make_demand(tree.community1, status="handled"), satisfaction=Satisfaction.UNSATISFIED)
    return busy


def _urls(tree, busy):
    return {
        "demand_queue": reverse("demand_queue"),
        "demand_staff_detail": reverse("demand_staff_detail", args=[busy.pk]),
        "demand_rates": reverse("demand_rates"),
        "demand_rates_by_category": f"{reverse('demand_rates')}?by=category",
        "demand_hanging_board": reverse("demand_hanging_board", args=[tree.community1.pk]),
        "demand_hours_below": reverse("demand_hours_below"),
    }


@pytest.mark.parametrize("size", [1, 6])
def test_staff_pages_of_demands_run_a_constant_number_of_queries(
    size, tree, people, client_for, django_assert_num_queries
):
    client = client_for(people.district_admin)
    for name, url in _urls(tree, _world(tree, size)).items():
        client.get(url)  # the session read once
        with django_assert_num_queries(QUERIES[name]):
            response = client.get(url)
        assert response.status_code == 200, name
    assert response.context["page"].paginator.count == size  # every helper member is below 12 hours


@pytest.mark.parametrize("size", [1, 6])
def test_the_public_board_runs_a_constant_number_of_queries_uncached(
    size, tree, client, settings, django_assert_num_queries
):
    settings.PUBLIC_CACHE_ENABLED = False
    _world(tree, size)
    with django_assert_num_queries(2):  # the count for the paginator, the page's rows
        response = client.get(reverse("demand_board"))
    assert len(response.context["page"].object_list) == size * 4
