"""数据公开 (issue 12): the /open/ page reads cached sections of portal/stats.py in a constant,
pinned number of queries on an empty cache and none warm, at two data sizes; its micro-project
breakdowns (by street, category and year) equal the stats.json figures and hand counts; the
meetings held reach /open/stats.json as counts only."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grids.models import Meeting, MeetingKind
from portal import stats
from portal.core import pagecache
from projects.models import MicroCategory, MicroProject
from projects.stats.micro import micro_breakdown, micro_section
from tests.factory_dashboard import grow_life
from tests.factory_micro import make_project
from tests.test_public_cache import _world

COLD = 7  # centers 1, members 1 (the units' kept counts), volunteering 1, the micro-projects' breakdowns 4


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize("query", [{}, {"year": "2025"}], ids=["all", "year"])
def test_the_open_data_page_runs_a_constant_number_of_queries(
    tree, client, size, query, django_assert_num_queries, django_assert_max_num_queries
):
    _world(tree, size)
    for n in range(size):
        make_project(tree.community1, title=f"工程{n}", category=list(MicroCategory.values)[n % 3])
    url = reverse("open_data")
    with django_assert_num_queries(COLD):
        assert client.get(url, query).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url, query).status_code == 200
    # The tables as CSV: the same cached figures; a download is never served from the page
    # cache, since each is written to the audit trail (one INSERT, and the content type once).
    with django_assert_max_num_queries(2):
        assert client.get(url, query | {"format": "csv"}).status_code == 200
    pagecache.bump("projects")  # a write: only the micro-projects' and volunteering's sections again
    with django_assert_max_num_queries(6):
        assert client.get(url, query).status_code == 200


def test_the_breakdowns_equal_the_stats_figures(tree, client):
    _world(tree, 6)
    for n in range(9):
        make_project(
            (tree.community1, tree.community2)[n % 2], title=f"项目{n}", category=list(MicroCategory.values)[n % 3]
        )
    this_year = timezone.localdate().year
    for year in (None, this_year, this_year - 1):
        found = micro_breakdown(year=year)
        assert found["total"] == micro_section(year=year)
        for street in found["by_street"]:
            unit = tree.street1 if street["id"] == tree.street1.pk else tree.street2
            assert {k: v for k, v in street.items() if k not in ("id", "name")} == micro_section(unit, year=year)
        projects = [p for p in MicroProject.objects.all() if year is None or p.proposed_at.astimezone().year == year]
        for value in MicroCategory.values:
            mine = [p for p in projects if p.category == value]
            assert found["by_category"][value]["proposed"] == len(mine)
            approved = sum((p.approved_amount or 0 for p in mine), Decimal(0))
            assert Decimal(found["by_category"][value]["approved_amount"]) == approved
    by_year = micro_breakdown()["by_year"]
    assert by_year == {year: micro_section(year=int(year)) for year in by_year}
    assert sum(f["proposed"] for f in by_year.values()) == MicroProject.objects.count() > 0
    assert [s["name"] for s in micro_breakdown(tree.street1)["by_street"]] == [tree.street1.name]


def test_the_page_draws_micro_projects_by_category_with_its_table(tree, client):
    _world(tree, 3)
    make_project(tree.community1, title="健身器材", category=MicroCategory.GOODS)
    page = client.get(reverse("open_data")).content.decode()
    counts = micro_breakdown()["by_category"]
    assert 'data-chart="open-micro-categories"' in page and 'data-chart="open-micro-category-money"' in page
    table = page.split('data-chart="open-micro-categories"')[1].split("</figure>")[0]
    for value in MicroCategory.values:
        row = table.split(f">{MicroCategory(value).label}</th>")[1].split("</tr>")[0]
        assert f">{counts[value]['proposed']}</td>" in row
    csv = client.get(reverse("open_data"), {"format": "csv"}).content.decode("utf-8-sig")
    assert str(MicroCategory.GOODS.label) in csv


def test_meetings_held_reach_stats_json_as_counts_only(tree, people, client):
    from tests.factory_dashboard import grow

    grow(tree, 3)
    grow_life(tree)
    life = client.get(reverse("open_stats")).json()["members"]["organisational_life"]
    held = Meeting.objects.filter(attendance_taken=True, valid=True)
    assert life["meetings_held"] == held.count() > 0
    assert life["meetings_held_by_kind"] == {k: held.filter(kind=k).count() for k in MeetingKind.values}
    assert Meeting.objects.filter(valid=False).exists()  # the assembly below its quorum is not counted
    text = client.get(reverse("open_stats"), {"unit": tree.street1.pk}).content.decode()
    for meeting in Meeting.objects.all():
        assert meeting.topic not in text and meeting.host not in text and meeting.place not in text
    street = stats.one("members", tree.street2)["organisational_life"]["meetings_held"]
    assert street == held.filter(unit__path__startswith=tree.street2.path).count() > 0
