"""Dashboards (issue 12), the residents' demands and organisational-life sections: every figure
equals a count made from the records (and the rates and compliance of the services that the
demands' and meetings' pages use) at the district, a street and a community; the child rows of
every drill-down add up to the parent's figure; constant queries at two data sizes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grids.models import Demand, DemandCategory, DemandStatus, Level, Meeting, MeetingKind, Member, Satisfaction
from grids.services import demands_rates, dues, meetings, workdays
from portal.core import pagecache
from portal.core.periods import Period
from portal.dashboards import build, children, drill_rows, find
from tests.factory import make_unit
from tests.factory_dashboard import grow, grow_demands, grow_life

TODAY = timezone.localdate()
WIDE = Period("range", TODAY - timedelta(days=3 * 365), TODAY + timedelta(days=365))
THIS_YEAR = Period.containing("year", TODAY)
LAST_YEAR = Period.containing("year", date(TODAY.year - 1, 6, 1))


def under(unit, path):
    return path.startswith(unit.path)


@pytest.fixture
def lively(tree, people):
    # Idle organisations (no meeting held) at every level, several under one child: each owes
    # what the service says, counted once per organisation.
    for n in range(3):
        grid = make_unit(Level.GRID, f"空网格{n}", tree.community1)
        make_unit(Level.BUILDING, f"空楼栋{n}", grid)
        make_unit(Level.BUILDING, f"空楼栋{n}b", tree.grid2)
    make_unit(Level.COMMUNITY, "空社区", tree.street2)
    grow(tree, 3)
    grow_demands(tree, 14)
    grow_life(tree)
    return tree


def _actual(sections, key):
    _section, figure = find(sections, key)
    assert figure is not None, key
    if figure.kind == "rate":
        return (figure.numerator, figure.base)
    return figure.value


def expected_demands(unit, period):
    now = timezone.now()
    everything = [d for d in Demand.objects.select_related("unit") if under(unit, d.unit.path)]
    counted = [d for d in everything if d.status != DemandStatus.MERGED]
    received = [d for d in counted if period.start <= workdays.local_date(d.submitted_at) <= period.end]
    # The rates of the demands' own pages, for the same demands.
    queryset = demands_rates.in_period(Demand.objects.under(unit), period.start, period.end)
    rates = demands_rates.rates(queryset)
    assert rates.total == len(received)
    open_now = [d for d in counted if d.status in ("pending", "accepted", "in_progress")]
    overdue = [
        d
        for d in open_now
        if (d.status == "pending" and d.response_due < now)
        or (d.status != "pending" and d.handling_due and d.handling_due < TODAY)
    ]
    out = {
        "demands.received": len(received),
        "demands.responded": (rates.answered_in_time, rates.answered),
        "demands.solved": (rates.handled_in_time, rates.handled),
        "demands.satisfied": (rates.satisfied, rates.visited),
        "demands.handled": sum(d.first_handled_at is not None for d in received),
        "demands.open": len(open_now),
        "demands.overdue": len(overdue),
    }
    # The rates of the service and a count by hand agree on the satisfied.
    assert rates.satisfied == sum(d.satisfaction in (Satisfaction.SATISFIED, Satisfaction.FAIRLY) for d in received)
    for category in DemandCategory.objects.all():
        out[f"demands.cat_{category.pk}"] = sum(d.category_id == category.pk for d in received)
    return out


def expected_life(unit, period):
    year = period.end.year
    held = [
        m
        for m in Meeting.objects.select_related("unit")
        if under(unit, m.unit.path)
        and m.attendance_taken
        and m.valid
        and period.start <= timezone.localtime(m.starts_at).date() <= period.end
    ]
    found = meetings.duties(meetings.organisations(unit), year)
    table = meetings.rates(found)
    owed = sum(o for _h, o in table.values())
    out = {
        "life.meetings": len(held),
        "life.compliance": (sum(h for h, _o in table.values()), owed),
        "life.missed": sum(len(duty.overdue) for duty in found),
    }
    out |= {f"life.kind_{kind}": table.get(kind, (0, 0)) for kind in MeetingKind.values}
    members = Member.objects.filter(left_reason="", unit__path__startswith=unit.path)
    standings = dues.standings(members, year)
    totals = dues.totals(standings)
    out |= {
        "life.dues_due": totals["due"],
        "life.dues_collected": totals["collected"],
        "life.dues_arrears": totals["arrears"],
        "life.dues_in_arrears": sum(1 for s in standings if s.arrears > 0),
        "life.dues_flagged": totals["flagged"],
        "life.dues_rate": (totals["collected"], totals["due"]),
    }
    return out


@pytest.mark.parametrize("level", ["district", "street1", "community1", "street2"])
@pytest.mark.parametrize("period", [WIDE, THIS_YEAR, LAST_YEAR], ids=["wide", "this_year", "last_year"])
def test_every_figure_equals_a_count_of_the_records(lively, level, period):
    unit = getattr(lively, level)
    sections = build(unit, period)
    expected = expected_demands(unit, period)
    if period is not WIDE:  # compliance and dues are read for a year
        expected |= expected_life(unit, period)
    assert {key: _actual(sections, key) for key in expected} == expected
    if level == "district" and period is WIDE:
        zeros = {key for key, value in expected.items() if value in (0, (0, 0))}
        assert not zeros, zeros


def test_the_district_has_something_in_every_figure_of_last_year(lively):
    expected = expected_life(lively.district, LAST_YEAR)
    zeros = {key for key, value in expected.items() if value in (0, (0, 0), Decimal(0), (Decimal(0), Decimal(0)))}
    # Party lectures, life meetings and appraisals were never held in the data; none in arrears.
    assert zeros <= {"life.kind_lecture", "life.kind_life_meeting", "life.kind_appraisal"}, zeros
    assert expected["life.kind_assembly"][0] < expected["life.kind_assembly"][1]  # one below its quorum


def test_merged_demands_and_members_who_left_are_not_counted(lively):
    section = build(lively.district, WIDE, only="demands")[0]
    assert section.figure("demands.received").value < Demand.objects.count()
    assert Demand.objects.filter(status=DemandStatus.MERGED).exists()
    departed = Member.objects.exclude(left_reason="").filter(dues__isnull=False)
    assert departed.exists()  # their dues are set, and not counted (expected_life reads current members)


@pytest.mark.parametrize("level", ["district", "street1", "community1", "grid2"])
def test_drill_down_rows_add_up_to_the_parent(lively, level):
    unit = getattr(lively, level)
    kids = children(unit)
    for period in (WIDE, LAST_YEAR):
        for section in build(unit, period, only=None)[-2:]:
            for figure in section.figures:
                rows = drill_rows(unit, figure, kids)
                if figure.kind == "rate":
                    assert sum(figure.values.get(c.pk if c else 0, 0) for c, _v, _b in rows) == figure.numerator
                    assert sum(base for _c, _v, base in rows) == (figure.base or 0), figure.key
                else:
                    assert sum(value for _c, value, _b in rows) == figure.value, figure.key


def test_the_sections_are_on_the_page_and_their_records_in_scope(lively, people, client_for):
    client = client_for(people.huafu)
    response = client.get(reverse("dashboard", args=[lively.street1.pk]), {"period": "year"})
    keys = [section.key for section in response.context["sections"]]
    assert keys[-2:] == ["demands", "life"]
    table = client.get(
        reverse("dashboard_table", args=[lively.street1.pk]), {"period": "year", "figure": "life.dues_arrears"}
    )
    links = [row["records"] for row in table.context["rows"]]
    assert links[0] == f"{reverse('dues_list')}?unit={lively.community1.pk}&year={TODAY.year}&arrears=1"
    assert client.get(links[0]).status_code == 200
    overdue = client.get(
        reverse("dashboard_table", args=[lively.street1.pk]), {"period": "year", "figure": "demands.overdue"}
    )
    assert client.get(overdue.context["rows"][0]["records"]).status_code == 200


@pytest.mark.parametrize(
    "name,query,cold,warm",
    [
        ("dashboard_table", {"figure": "demands.solved", "period": "year"}, 10, 5),
        ("dashboard_table", {"figure": "life.compliance", "period": "year"}, 13, 5),
    ],
)
def test_query_counts_do_not_grow_with_the_data(
    tree, people, client_for, django_assert_num_queries, name, query, cold, warm
):
    client = client_for(people.district_admin)
    url = reverse(name, args=[tree.district.pk])
    grow(tree, 1)
    grow_demands(tree, 2)
    grow_life(tree)
    client.get(url, query)
    pagecache.store().clear()
    with django_assert_num_queries(cold):
        assert client.get(url, query).status_code == 200
    with django_assert_num_queries(warm):
        assert client.get(url, query).status_code == 200
    grow(tree, 2, start=1)
    grow_demands(tree, 8)
    grow_life(tree, hours=(9, 14), with_dues=False)
    with django_assert_num_queries(cold):
        assert client.get(url, query).status_code == 200
    with django_assert_num_queries(warm):
        assert client.get(url, query).status_code == 200
