"""The funnel's kept totals (projects/models/funnel.py, services/funnel.py): equal to a count of
the records after every kind of write, and the funnel page built from them alone shows what a
count of the projects shows (issue 15)."""

import importlib
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grids.scope import scope_for
from projects.models import Expenditure, MicroCategory, MicroFunnelTotal, MicroProject, MicroStatus
from projects.services import funds as fund_services
from projects.services import funnel
from projects.services import micro as services
from tests.factory_micro import accepted, approved, in_progress, make_line, make_project, reviewing, spent

WORKS = MicroCategory.WORKS  # the factory's category


def counted_by_hand():
    """{(community id, year, status, category): figures}, project by project in Python: the reference."""
    totals = {}
    for project in MicroProject.objects.prefetch_related("expenditures"):
        key = (project.community_id, timezone.localtime(project.proposed_at).year, project.status, project.category)
        figures = totals.setdefault(
            key, {"projects": 0, "approved": 0, "approved_amount": Decimal("0"), "spent": Decimal("0")}
        )
        figures["projects"] += 1
        if project.approved_amount is not None:
            figures["approved"] += 1
            figures["approved_amount"] += project.approved_amount
        figures["spent"] += sum((e.amount for e in project.expenditures.all()), Decimal("0"))
    return totals


def kept():
    return {
        (row.community_id, row.year, row.status, row.category): {name: getattr(row, name) for name in funnel.FIGURES}
        for row in MicroFunnelTotal.objects.filter(projects__gt=0)
    }


def assert_kept():
    assert kept() == counted_by_hand()
    assert funnel.differences() == {}


@pytest.fixture
def line(tree):
    return make_line(tree.district, amount="10000000.00")


def test_totals_follow_every_step_of_the_lifecycle(tree, line):
    first = make_project(tree.community1, title="甲")
    assert_kept()
    assert kept() == {
        (tree.community1.pk, 2026, "proposed", WORKS): {
            "projects": 1,
            "approved": 0,
            "approved_amount": Decimal("0"),
            "spent": Decimal("0"),
        }
    }
    reviewing(first)
    assert_kept()
    approved(first, line, amount="40000.00")
    assert_kept()
    in_progress(make_project(tree.community1, title="乙"), line)
    accepted(make_project(tree.community2, title="丙"), line)
    assert_kept()
    services.reject(
        project=reviewing(make_project(tree.community1, title="丁")),
        actor=None,
        reason="不属于公共事项",
        resolution="居民议事会不同意",
        resolution_date=date(2026, 3, 1),
    )
    assert_kept()
    services.withdraw(project=first, actor=None, note="提议人撤回")
    assert_kept()
    withdrawn = kept()[(tree.community1.pk, 2026, "withdrawn", WORKS)]
    assert withdrawn == {"projects": 1, "approved": 1, "approved_amount": Decimal("40000.00"), "spent": Decimal("0")}
    # The status it left keeps no row rather than keeping the project.
    assert not MicroFunnelTotal.objects.filter(community=tree.community1, year=2026, status="approved").exists()


def test_spending_and_its_reversal_are_kept(tree, line):
    project = in_progress(make_project(tree.community1), line)
    entry = spent(project, amount="1234.56")
    spent(project, amount="100.01")
    assert kept()[(tree.community1.pk, 2026, "in_progress", WORKS)]["spent"] == Decimal("1334.57")
    fund_services.reverse_expenditure(expenditure=entry, actor=None, reason="金额录错")
    assert kept()[(tree.community1.pk, 2026, "in_progress", WORKS)]["spent"] == Decimal("100.01")
    assert_kept()


def test_a_change_of_community_or_of_year_moves_the_project_between_keys(tree, line):
    project = make_project(tree.community1)
    project.community = tree.community2
    project.save()
    assert_kept()
    assert (tree.community1.pk, 2026, "proposed", WORKS) not in kept()
    # 2025-12-31 20:00 UTC is already 2026 in Shanghai; 15:59 UTC is still 2025.
    project.proposed_at = datetime(2025, 12, 31, 15, 59, tzinfo=UTC)
    project.save(update_fields=["proposed_at"])
    assert list(kept()) == [(tree.community2.pk, 2025, "proposed", WORKS)]
    project.proposed_at = datetime(2025, 12, 31, 20, tzinfo=UTC)
    project.save()
    assert list(kept()) == [(tree.community2.pk, 2026, "proposed", WORKS)]
    assert_kept()
    # A change of category moves it too: the dashboards count projects per category.
    project.category = MicroCategory.GOODS
    project.save(update_fields=["category"])
    assert list(kept()) == [(tree.community2.pk, 2026, "proposed", MicroCategory.GOODS)]
    assert_kept()


def test_a_delete_takes_the_project_out(tree):
    project = make_project(tree.community1)
    make_project(tree.community1, title="留下的")
    project.transitions.all().delete()
    project.delete()
    assert kept()[(tree.community1.pk, 2026, "proposed", WORKS)]["projects"] == 1
    assert_kept()


def test_a_save_of_other_fields_recomputes_nothing(tree, line):
    project = in_progress(make_project(tree.community1), line)
    project.progress = 40
    with CaptureQueriesContext(connection) as queries:
        project.save(update_fields=["progress"])
    # The audit trail reads the old row; the totals neither read it again nor recompute.
    assert not any("microfunneltotal" in q["sql"] or '"approved_amount" FROM' in q["sql"] for q in queries)
    project.title = "改名"
    with CaptureQueriesContext(connection) as queries:
        project.save()
    assert not any("microfunneltotal" in q["sql"] for q in queries)
    assert_kept()


def test_bulk_writes_need_the_refresh_and_the_command_finds_them(tree, line):
    project = in_progress(make_project(tree.community1), line)
    MicroProject.objects.bulk_create(
        [
            MicroProject(
                community=tree.community2,
                title=f"批量{i}",
                category="works",
                requested_amount=Decimal("10.00"),
                proposer_kind="staff",
                proposer_name="张三",
                status=MicroStatus.REVIEWING,
                proposed_at=datetime(2019 + i % 3, 6, 1, tzinfo=UTC),
                tracking_code=f"BULKT{i}",
            )
            for i in range(30)
        ]
    )
    Expenditure.objects.bulk_create([Expenditure(project=project, amount="5.00", date=date(2026, 4, 1), payee="甲")])
    assert kept() != counted_by_hand()
    with pytest.raises(CommandError, match="4 funnel totals differ"):
        call_command("funnel_totals", "--check")
    funnel.refresh()
    assert_kept()
    call_command("funnel_totals", "--check")
    MicroFunnelTotal.objects.filter(community=tree.community1).update(projects=7)
    call_command("funnel_totals")
    assert_kept()


def test_the_migration_fills_the_totals_of_the_projects_there(tree, line):
    in_progress(make_project(tree.community1), line)
    spent(MicroProject.objects.get(), amount="10.00")
    reviewing(make_project(tree.community2, proposed_at=datetime(2024, 5, 1, tzinfo=UTC)))
    MicroFunnelTotal.objects.all().delete()
    from django.apps import apps

    importlib.import_module("projects.migrations.0013_service_hours_and_funnel_category").fill(apps, None)
    assert_kept()
    assert len(kept()) == 2


def _funnel_by_hand(user, by, year=None):
    """The funnel's rows counted project by project, in scope, as the page showed them before."""
    rows = {}
    projects = scope_for(user).filter(MicroProject.objects.select_related("community__parent"))
    for project in projects.prefetch_related("expenditures"):
        local = timezone.localtime(project.proposed_at).year
        if year and local != year:
            continue
        community, street = project.community, project.community.parent
        area = (street.pk,) if by == "street" else (street.pk, community.pk)
        row = rows.setdefault(
            (local, *area),
            {"year": local, "street": street.name, "name": street.name if by == "street" else community.name}
            | dict.fromkeys(
                ["proposed", "reviewing", "approved", "rejected", "in_progress", "accepted", "withdrawn"], 0
            )
            | {"approved_amount": Decimal("0"), "spent": Decimal("0")},
        )
        row["proposed"] += 1
        if project.status in ("reviewing", "rejected", "in_progress", "accepted", "withdrawn"):
            row[project.status] += 1
        row["approved"] += project.approved_amount is not None  # 立项, whatever came after
        row["approved_amount"] += project.approved_amount or 0
        row["spent"] += sum((e.amount for e in project.expenditures.all()), Decimal("0"))
    ordered = sorted(rows.items(), key=lambda item: (-item[0][0], item[1]["street"], item[1]["name"], item[0][1:]))
    return [row for _key, row in ordered]


@pytest.mark.parametrize("by", ["street", "community"])
def test_the_page_shows_the_rows_a_count_of_the_projects_gives(by, world, tree, people, client_for):
    line = make_line(tree.district, amount="10000000.00")
    for community in (tree.community1, tree.community2):
        spent(in_progress(make_project(community), line), amount="2026.50")
        accepted(make_project(community), line)
    for year, community in [(2019, tree.community1), (2024, tree.community2), (2024, tree.community1)]:
        reviewing(make_project(community, proposed_at=datetime(year, 2, 1, tzinfo=UTC)))
    for user in (people.district_admin, people.huafu, world.huafu_admin):
        client = client_for(user)
        for year in (None, 2024, 2026):
            query = {"by": by} | ({"year": year} if year else {})
            rows = client.get(reverse("micro_staff_funnel"), query).context["rows"]
            assert rows == _funnel_by_hand(user, by, year), (user, year)
            assert rows, (user, year)


def test_the_page_reads_the_totals_only(tree, people, client_for, line):
    accepted(make_project(tree.community1), line)
    client = client_for(people.district_admin)
    client.get(reverse("micro_staff_funnel"))
    for query in ({}, {"by": "community"}, {"by": "community", "export": "xlsx"}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("micro_staff_funnel"), query).status_code == 200
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert "microfunneltotal" in sql
        assert "projects_microproject" not in sql and "projects_expenditure" not in sql
