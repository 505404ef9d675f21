"""The dashboards' tallies (issue 12): the figures a current tally gives are the figures counted
from the records, at every level; a write or the day turning makes a tally stale, and a stale
tally is read only within its lag, saying when it was counted; the members of a past period are counted as of its last day."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from grids.models import Category, LeftReason, Member, Report, UnitTally
from grids.services import tallies
from grids.stats.dashboard_members import AGE_BANDS, LAG, years_before
from portal.core.periods import Period
from portal.dashboards import build, find
from tests.factory_dashboard import grow
from tests.factory_members import make_member

TODAY = date.today()
TALLIED = ("members", "volunteering")


@pytest.fixture
def grown(tree, people):
    grow(tree, 6)
    return tree


def _figures(unit, period):
    return {
        figure.key: (figure.values, figure.bases, figure.compare.values if figure.compare else None)
        for name in TALLIED
        for section in build(unit, period, only=name)
        for figure in section.figures
    } | {
        chart.key: chart.series
        for name in TALLIED
        for section in build(unit, period, only=name)
        for chart in section.charts
    }


@pytest.mark.parametrize("level", ["district", "street1", "community1", "grid1"])
@pytest.mark.parametrize("kind", ["month", "year"])
def test_a_current_tally_gives_the_counted_figures(grown, level, kind):
    from portal.core import pagecache

    unit = getattr(grown, level)
    period = Period.containing(kind, TODAY)
    counted = _figures(unit, period)
    assert tallies.refresh_all() > 0
    pagecache.store().clear()  # the cached sections; the versions go too, so count once more
    assert tallies.refresh_all() > 0
    assert tallies.subtree("members", unit, TODAY) is not None
    assert tallies.subtree("hours", unit, TODAY) is not None
    assert _figures(unit, period) == counted
    if level == "district":
        assert counted["members.total"][0] and counted["volunteering-months"][0][1].count(0) < 12


def test_a_write_makes_the_tally_lag_until_the_job_counts_again(grown):
    tallies.refresh_all()
    kept = tallies.subtree("members", grown.street1, TODAY)
    assert kept is not None and kept.behind_since is None
    month = Period.containing("month", TODAY)
    before = find(build(grown.street1, month), "members.total")[0]
    assert not before.note
    make_member(grown.grid1, "新党员")
    # In the minute before the job: the last count, said to be one (the records hold one more).
    lagging = tallies.subtree("members", grown.street1, TODAY)
    assert lagging == kept and lagging.behind_since is not None
    section, figure = find(build(grown.street1, month), "members.total")
    assert figure.value == sum(row["total"] for row in kept.values())
    assert f"{timezone.localtime(lagging.behind_since):%H:%M}" in str(section.note)
    assert tallies.refresh_all() > 0
    # The job counted: the cached section is built again from the new count.
    section, figure = find(build(grown.street1, month), "members.total")
    assert figure.value == sum(row["total"] for row in kept.values()) + 1 and not section.note
    assert tallies.refresh_all() == 0  # current: nothing to count


def test_a_changed_tally_older_than_its_lag_is_not_read(grown):
    tallies.refresh_all()
    make_member(grown.grid1, "新党员")
    stamp_row = UnitTally.objects.get(kind="members", unit_pk__isnull=True)
    stamp_row.values = {"counted_at": (timezone.now() - LAG - timedelta(seconds=1)).isoformat()}
    stamp_row.save()
    assert tallies.subtree("members", grown.street1, TODAY) is None  # the worker is behind: the records
    total = find(build(grown.street1, Period.containing("month", TODAY)), "members.total")[1].value
    assert total == Member.objects.filter(left_reason="", unit__path__startswith=grown.street1.path).count()
    # The hours allow no lag: a changed tally is never read (the kept hours per month are cheap).
    assert "hours" not in tallies.LAGS


def test_the_day_turning_makes_the_tally_stale(grown):
    tallies.refresh_all(today=TODAY - timedelta(days=1))
    assert UnitTally.objects.filter(kind="members").exists()
    assert tallies.subtree("members", grown.district, TODAY) is None


def test_a_period_of_days_reads_the_records(grown):
    tallies.refresh_all()
    period = Period("range", TODAY.replace(day=1), TODAY.replace(day=1) + timedelta(days=9))
    from projects.stats import dashboard_volunteering

    assert dashboard_volunteering._kept_hours(grown.district, period) is None


def _age_in(born, youngest, oldest, day):
    return born <= years_before(day, youngest) and (oldest is None or born > years_before(day, oldest + 1))


def test_members_of_a_past_period_are_counted_as_of_its_end(grown):
    period = Period.containing("year", date(TODAY.year - 1, 6, 1))
    end = period.end
    make_member(
        grown.grid1, "去年后入党", joined_on=end + timedelta(days=1), full_member_on=None, status="probationary"
    )
    make_member(grown.grid1, "去年前离开", left_reason=LeftReason.DECEASED, left_on=end - timedelta(days=1))
    make_member(grown.grid1, "去年后离开", left_reason=LeftReason.TRANSFERRED_OUT, left_on=end + timedelta(days=1))
    late = make_member(grown.grid2, "今年报到", category=Category.IN_SERVICE)
    Report.objects.create(member=late, building=grown.building2, reported_on=end + timedelta(days=3))
    on_time = make_member(grown.grid2, "去年报到", category=Category.IN_SERVICE)
    Report.objects.create(member=on_time, building=grown.building2, reported_on=end)
    members = [
        m
        for m in Member.objects.all()
        if m.joined_on <= end and (not m.left_reason or (m.left_on is not None and m.left_on > end))
    ]
    section = build(grown.district, period, only="members")[0]
    assert section.figure("members.total").value == len(members)
    assert section.figure("members.total").value != Member.objects.filter(left_reason="").count()
    for key, _label, youngest, oldest in AGE_BANDS:
        assert section.figure(f"members.{key}").value == sum(
            _age_in(m.birth_date, youngest, oldest, end) for m in members
        )
    reported = set(Report.objects.filter(reported_on__lte=end).values_list("member_id", flat=True))
    in_service = [m for m in members if m.category == Category.IN_SERVICE]
    figure = section.figure("members.reported")
    assert (figure.numerator, figure.base) == (sum(m.pk in reported for m in in_service), len(in_service))
    assert late.pk not in reported and on_time.pk in reported
    assert str(end) in str(section.note)
    # This year's figures are today's members, not the year's end.
    current = build(grown.district, Period.containing("year", TODAY), only="members")[0]
    assert current.figure("members.total").value == Member.objects.filter(left_reason="").count()
    assert not current.note
