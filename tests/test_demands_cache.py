"""The public pages of residents' demands from the page cache (portal/core/pagecache.py): constant
queries cold and none warm at two data sizes, fresh after a write, the tracking page never cached."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grids.models import Satisfaction
from grids.services import demands as flow
from tests.factory_demands import make_demand
from tests.test_public_cache import MAX_PUBLIC_QUERIES


def _world(tree, size):
    """`size` handled and published demands, located, in both streets, and one open one."""
    for n in range(size):
        community = tree.community1 if n % 2 else tree.community2
        make_demand(
            community,
            f"公开诉求{n}",
            status="handled" if n % 3 else "closed",
            latitude=Decimal("22.540000") + Decimal(n) / 1000,
            longitude=Decimal("114.050000"),
        )
    return make_demand(tree.community1, "还没办的诉求")


def _pages(open_demand):
    return [
        reverse("demand_board"),
        f"{reverse('demand_board')}?page=2",
        reverse("demand_new"),
        reverse("demand_track"),
        f"{reverse('demand_track')}?code=%21%21",  # refused code: the form again, with the error
        reverse("demand_also", args=[open_demand.pk]),
        reverse("demand_geojson"),
    ]


@pytest.mark.parametrize("size", [2, 40])
def test_public_demand_pages_run_at_most_ten_queries_cold_and_none_warm(
    tree, client, size, django_assert_max_num_queries, django_assert_num_queries
):
    pages = _pages(_world(tree, size))
    for url in pages:
        with django_assert_max_num_queries(MAX_PUBLIC_QUERIES):
            assert client.get(url).status_code == 200, url
    for url in pages:
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200, url


def test_a_newly_published_demand_shows_on_the_cached_board_and_geojson(tree, client):
    _world(tree, 2)
    board, geojson = reverse("demand_board"), reverse("demand_geojson")
    assert "新公开的诉求" not in client.get(board).content.decode()
    assert len(client.get(geojson).json()["features"]) == 2

    demand = make_demand(
        tree.community1, "新公开的诉求", status="handled", latitude=Decimal("22.6"), longitude=Decimal("114.1")
    )
    assert "新公开的诉求" in client.get(board).content.decode()
    assert [f["properties"]["title"] for f in client.get(geojson).json()["features"]].count("新公开的诉求") == 1

    flow.set_withheld(demand=demand, actor=None, withheld=True)  # staff withhold it: gone at once
    assert "新公开的诉求" not in client.get(board).content.decode()
    assert len(client.get(geojson).json()["features"]) == 2


def test_a_renamed_category_shows_on_the_cached_board(tree, client):
    demand = make_demand(tree.community1, status="handled")
    board = reverse("demand_board")
    assert "环境卫生" in client.get(board).content.decode()
    demand.category.name = "环境整治"
    demand.category.save()
    assert "环境整治" in client.get(board).content.decode()


def test_the_tracking_page_of_a_code_is_never_cached(tree, client):
    demand = make_demand(tree.community1, status="handled")
    url = reverse("demand_track_code", args=[demand.code])
    first = client.get(url)
    assert "no-store" in first["Cache-Control"]
    assert "<strong>已办结</strong>" in first.content.decode()
    flow.visit(demand=demand, satisfaction=Satisfaction.SATISFIED)
    assert "<strong>已销号</strong>" in client.get(url).content.decode()
