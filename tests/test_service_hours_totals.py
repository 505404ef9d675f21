"""The kept hours per service project and month (projects/models/hours.py, services/hours.py):
equal to a sum of the service records after every kind of write and after a bulk refresh; the
dashboards' ranking of projects by hours that reads them equals a ranking made from the records,
for whole months and for a chosen range with partial months at both ends (issue 12)."""

import importlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grids.models import AuditEntry
from portal.core.periods import Period
from projects.models import Activity, ServiceHoursTotal, ServiceRecord
from projects.services import hours
from projects.stats import dashboard_volunteering
from tests import factory_volunteer as fv


def by_hand():
    """{(project id, first day of the Shanghai month): hours}, record by record: the reference."""
    out = {}
    for record in ServiceRecord.objects.select_related("activity"):
        month = timezone.localtime(record.activity.starts_at).date().replace(day=1)
        key = (record.activity.project_id, month)
        out[key] = out.get(key, Decimal("0")) + record.hours
    return out


def kept():
    return {(row.project_id, row.month): row.hours for row in ServiceHoursTotal.objects.all()}


def assert_kept():
    assert kept() == by_hand()
    assert hours.differences() == {}


def activity(project, when, title="活动"):
    return Activity.objects.create(
        project=project,
        title=title,
        address="梅岗社区党群服务中心",
        starts_at=when,
        ends_at=when + timedelta(hours=8),
        signup_deadline=when - timedelta(hours=1),
        capacity=50,
    )


def record(act, unit, amount):
    return ServiceRecord.objects.create(activity=act, volunteer=fv.make_volunteer(unit), hours=Decimal(amount))


def test_totals_follow_every_write(tree):
    first, second = fv.make_project(tree.community1), fv.make_project(tree.street1)
    # 16:30 UTC on 31 January is already 1 February in Shanghai.
    late = activity(first, datetime(2026, 1, 31, 16, 30, tzinfo=UTC))
    march = activity(first, datetime(2026, 3, 10, 2, tzinfo=UTC))
    one, two = record(late, tree.community1, "2.00"), record(late, tree.community1, "1.50")
    assert kept() == {(first.pk, date(2026, 2, 1)): Decimal("3.50")}
    one.hours = Decimal("3.00")
    one.save()
    assert_kept()
    two.activity = march
    two.save()
    assert kept() == {(first.pk, date(2026, 2, 1)): Decimal("3.00"), (first.pk, date(2026, 3, 1)): Decimal("1.50")}
    # An activity moved to another month, then to another project, takes its records' hours along.
    late.starts_at = datetime(2026, 4, 2, 2, tzinfo=UTC)
    late.ends_at = late.starts_at + timedelta(hours=8)
    late.save()
    assert_kept()
    assert (first.pk, date(2026, 2, 1)) not in kept()
    march.project = second
    march.save(update_fields=["project"])
    assert kept() == {(first.pk, date(2026, 4, 1)): Decimal("3.00"), (second.pk, date(2026, 3, 1)): Decimal("1.50")}
    two.delete()
    assert kept() == {(first.pk, date(2026, 4, 1)): Decimal("3.00")}
    assert_kept()


def test_a_save_that_changes_no_hours_recomputes_nothing(tree):
    project = fv.make_project(tree.community1)
    act = activity(project, datetime(2026, 5, 5, 2, tzinfo=UTC))
    entry = record(act, tree.community1, "2.00")
    for instance, fields in ((act, ["title"]), (entry, ["extra_hours_reason"]), (act, None)):
        with CaptureQueriesContext(connection) as queries:
            instance.save(update_fields=fields)
        assert not any("servicehourstotal" in q["sql"] for q in queries), instance
    assert_kept()


def test_bulk_writes_need_the_refresh_and_the_command_finds_them(tree):
    project = fv.make_project(tree.community1)
    act = activity(project, datetime(2026, 6, 1, 2, tzinfo=UTC))
    record(act, tree.community1, "1.00")
    volunteers = [fv.make_volunteer(tree.community1) for _ in range(3)]
    ServiceRecord.objects.bulk_create(
        [ServiceRecord(activity=act, volunteer=v, hours=Decimal("2.00")) for v in volunteers]
    )
    assert kept() != by_hand()
    with pytest.raises(CommandError, match="1 hours totals differ"):
        call_command("hours_totals", "--check")
    hours.refresh()
    assert_kept()
    call_command("hours_totals", "--check")
    ServiceHoursTotal.objects.update(hours=Decimal("99.00"))
    call_command("hours_totals")
    assert_kept()
    assert kept() == {(project.pk, date(2026, 6, 1)): Decimal("7.00")}


def test_the_migration_fills_the_hours_of_the_records_there(tree):
    project = fv.make_project(tree.community1)
    record(activity(project, datetime(2026, 6, 1, 2, tzinfo=UTC)), tree.community1, "1.25")
    record(activity(project, datetime(2025, 6, 1, 2, tzinfo=UTC)), tree.community1, "2.00")
    ServiceHoursTotal.objects.all().delete()
    from django.apps import apps

    importlib.import_module("projects.migrations.0013_service_hours_and_funnel_category").fill(apps, None)
    assert_kept()
    assert len(kept()) == 2


# The ranking.

SHANGHAI_NOON = 4  # 04:00 UTC is noon in Shanghai


@pytest.fixture
def spread(tree):
    """Eight projects at four levels with hours on days from February to June 2025, month ends
    and the first and last days of a month included."""
    units = [tree.community1, tree.street1, tree.grid1, tree.community2, tree.street2, tree.district]
    days = [date(2025, 2, 27), date(2025, 3, 1), date(2025, 3, 14), date(2025, 3, 15), date(2025, 3, 31)]
    days += [date(2025, 4, 10), date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 20), date(2025, 6, 2)]
    projects = [fv.make_project(units[n % len(units)], title=f"排行项目{n}") for n in range(8)]
    for n, project in enumerate(projects):
        for d, day in enumerate(days):
            if (n + d) % 3:
                continue
            act = activity(project, datetime(day.year, day.month, day.day, SHANGHAI_NOON, tzinfo=UTC))
            record(act, tree.community1, f"{1 + (n * 7 + d * 3) % 9}.{25 * (n % 4)}")
    # A project with hours only on the first partial days of the range below: it ranks first there.
    late = fv.make_project(tree.community2, title="只在月中")
    record(activity(late, datetime(2025, 3, 20, SHANGHAI_NOON, tzinfo=UTC)), tree.community2, "23.75")
    return tree


def ranked_by_hand(unit, period, top):
    totals, names = {}, {}
    for entry in ServiceRecord.objects.select_related("activity__project__unit"):
        project = entry.activity.project
        day = timezone.localtime(entry.activity.starts_at).date()
        if project.unit.path.startswith(unit.path) and period.start <= day <= period.end:
            totals[project.pk] = totals.get(project.pk, Decimal("0")) + entry.hours
            names[project.pk] = (project.title, project.unit.name)
    order = sorted(totals, key=lambda pk: (-totals[pk], pk))[:top]
    return [(reverse("volunteer_staff_project", args=[pk]), *names[pk], totals[pk]) for pk in order]


PERIODS = [
    Period.containing("month", date(2025, 3, 1)),
    Period.containing("quarter", date(2025, 4, 1)),
    Period.containing("year", date(2025, 4, 1)),
    Period("range", date(2025, 3, 15), date(2025, 5, 1)),  # partial March and May around April
    Period("range", date(2025, 3, 2), date(2025, 3, 30)),  # inside one month
    Period("range", date(2025, 2, 1), date(2025, 4, 30)),  # whole months only
]


@pytest.mark.parametrize("top", [3, dashboard_volunteering.TOP])
@pytest.mark.parametrize("level", ["district", "street1", "community1"])
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.start}-{p.end}")
def test_the_ranking_by_hours_is_the_records_ranking(spread, level, period, top, monkeypatch):
    monkeypatch.setattr(dashboard_volunteering, "TOP", top)
    unit = getattr(spread, level)
    expected = ranked_by_hand(unit, period, top)
    assert dashboard_volunteering._top_by_hours(unit, period) == expected
    if level == "district" and top == 3:
        assert len(expected) == top  # more projects than places: the ranking had to choose


def test_a_project_below_the_whole_months_top_climbs_with_its_partial_days(tree, monkeypatch):
    monkeypatch.setattr(dashboard_volunteering, "TOP", 2)
    april, march = datetime(2025, 4, 10, SHANGHAI_NOON, tzinfo=UTC), datetime(2025, 3, 20, SHANGHAI_NOON, tzinfo=UTC)
    first, second, climber, edge_only = (fv.make_project(tree.community1, title=t) for t in "甲乙丙丁")
    record(activity(first, april), tree.community1, "10.00")
    record(activity(second, april), tree.community1, "9.00")
    record(activity(climber, april), tree.community1, "8.00")  # third in April: outside the kept top two
    record(activity(climber, march), tree.community1, "8.00")
    record(activity(edge_only, march), tree.community1, "12.00")
    period = Period("range", date(2025, 3, 15), date(2025, 5, 1))
    ranking = dashboard_volunteering._top_by_hours(tree.district, period)
    assert [(title, hours) for _url, title, _unit, hours in ranking] == [
        ("丙", Decimal("16.00")),
        ("丁", Decimal("12.00")),
    ]
    assert ranking == ranked_by_hand(tree.district, period, 2)


def test_the_ranking_of_whole_months_reads_no_service_record(spread):
    for period in (PERIODS[1], PERIODS[2], PERIODS[5]):
        with CaptureQueriesContext(connection) as queries:
            dashboard_volunteering._top_by_hours(spread.district, period)
        assert len(queries) == 1
        assert "servicehourstotal" in queries[0]["sql"] and "projects_servicerecord" not in queries[0]["sql"]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.start}-{p.end}")
def test_the_hours_without_a_current_tally_are_the_records_hours(spread, period):
    # No tally was counted: the section reads the kept hours per project and month.
    section = dashboard_volunteering.volunteering_dashboard(spread.district, period)
    figure = section.figure("volunteering.hours")
    in_period, by_month = Decimal("0"), {}
    for entry in ServiceRecord.objects.select_related("activity"):
        day = timezone.localtime(entry.activity.starts_at).date()
        in_period += entry.hours if period.start <= day <= period.end else 0
        # The chart: the twelve months up to the period's end (its last one partial in a range).
        if period.months()[0] <= day <= period.end:
            by_month[day.replace(day=1)] = by_month.get(day.replace(day=1), Decimal("0")) + entry.hours
    assert figure.value == in_period > 0
    chart = next(chart for chart in section.charts if chart.key == "volunteering-months")
    values = chart.series[0][1]
    months = {date.fromisoformat(f"{label}-01"): value for label, value in zip(chart.labels, values, strict=True)}
    assert {month: value for month, value in months.items() if value} == by_month


def test_keeping_the_totals_leaves_no_trail_entry(tree):
    # Derived rows: the trail holds the records they are counted from, not a row per recount.
    project = fv.make_project(tree.community1)
    act = activity(project, datetime(2026, 5, 5, 2, tzinfo=UTC))
    entry = record(act, tree.community1, "2.00")
    entry.hours = Decimal("3.00")
    entry.save()
    act.starts_at, act.ends_at = act.starts_at + timedelta(days=40), act.ends_at + timedelta(days=40)
    act.save()
    assert_kept()
    assert AuditEntry.objects.filter(content_type__model="servicerecord").exists()
    assert not AuditEntry.objects.filter(content_type__model="servicehourstotal").exists()
