"""Dashboards (issue 12): every figure equals a count made directly from the records, at the
district, a street and a community; the child rows of every drill-down add up to the parent's
figure; the page costs the same number of queries at two data sizes; the report workbook holds
the page's figures."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from centers.models import Center, Kind, Status
from grids.models import Category, Education, Gender, LeftReason, Member, PostClaim, Report
from grids.services import tallies
from grids.stats.dashboard_members import AGE_BANDS, PARTY_YEARS, years_before
from portal.core import pagecache
from portal.core.periods import Period
from portal.dashboards import build, children, drill_rows, find
from portal.dashboards import reports as dashboard_reports
from projects.models import (
    Expenditure,
    FundCategory,
    FundLine,
    MicroCategory,
    MicroProject,
    MicroStatus,
    ServiceProject,
    ServiceRecord,
    SocialInvestment,
    Volunteer,
    VolunteerTeam,
)
from tests.factory_dashboard import grow
from tests.factory_members import make_member
from tests.factory_micro import PROPOSED_AT as fmi_proposed_at

TODAY = date.today()
WIDE = Period("range", TODAY - timedelta(days=3 * 365), TODAY + timedelta(days=365))


def under(unit, path):
    return path.startswith(unit.path)


def _age_in(day, youngest, oldest):
    return day <= years_before(TODAY, youngest) and (oldest is None or day > years_before(TODAY, oldest + 1))


def expected_members(unit):
    members = [m for m in Member.objects.select_related("unit") if under(unit, m.unit.path) and not m.left_reason]
    reported = set(Report.objects.values_list("member_id", flat=True))
    claimed = set(PostClaim.objects.values_list("member_id", flat=True))
    in_service = [m for m in members if m.category == Category.IN_SERVICE]
    out = {"members.total": len(members)}
    out |= {f"members.cat_{c}": sum(m.category == c for m in members) for c in Category.values}
    out |= {f"members.gender_{g}": sum(m.gender == g for m in members) for g in Gender.values}
    out |= {f"members.edu_{e}": sum(m.education == e for m in members) for e in [*Education.values, ""]}
    out |= {f"members.{k}": sum(_age_in(m.birth_date, y, o) for m in members) for k, _l, y, o in AGE_BANDS}
    out |= {f"members.{k}": sum(_age_in(m.joined_on, y, o) for m in members) for k, _l, y, o in PARTY_YEARS}
    out["members.reported"] = (sum(m.pk in reported for m in in_service), len(in_service))
    out["members.claimed"] = (sum(m.pk in claimed for m in in_service), len(in_service))
    return out


def expected_centers(unit):
    centers = [
        c for c in Center.objects.select_related("owner").prefetch_related("intervals") if under(unit, c.owner.path)
    ]
    out = {"centers.total": len(centers)}
    out |= {f"centers.kind_{k}": sum(c.kind == k for c in centers) for k in Kind.values}
    out |= {f"centers.status_{s}": sum(c.status == s for c in centers) for s in Status.values}
    minutes = sum(
        (datetime.combine(TODAY, i.closes) - datetime.combine(TODAY, i.opens)).seconds // 60
        for c in centers
        if c.status == Status.OPERATING
        for i in c.intervals.all()
    )
    out["centers.hours"] = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    return out


def expected_volunteering(unit, period):
    projects = [p for p in ServiceProject.objects.select_related("unit") if under(unit, p.unit.path)]
    records = [
        r
        for r in ServiceRecord.objects.select_related("activity__project__unit")
        if under(unit, r.activity.project.unit.path)
        and period.start <= r.activity.starts_at.astimezone().date() <= period.end
    ]
    out = {
        "volunteering.volunteers": sum(under(unit, v.unit.path) for v in Volunteer.objects.select_related("unit")),
        "volunteering.teams": sum(under(unit, t.unit.path) for t in VolunteerTeam.objects.select_related("unit")),
        "volunteering.projects": len(projects),
        "volunteering.visits": sum(p.beneficiary_visits for p in projects),
        "volunteering.hours": sum((r.hours for r in records), Decimal(0)),
    }
    out |= {f"volunteering.star_{n}": sum(p.star_rating == n for p in projects) for n in range(1, 6)}
    return out


def expected_micro(unit, period):
    def local_day(p):
        return p.proposed_at.astimezone().date()

    everything = list(MicroProject.objects.select_related("community", "fund_line"))
    projects = [p for p in everything if under(unit, p.community.path) and period.start <= local_day(p) <= period.end]
    years = range(period.start.year, period.end.year + 1)
    funded = [
        p
        for p in everything
        if under(unit, p.community.path)
        and p.fund_line
        and p.fund_line.category == FundCategory.MICRO
        and p.fund_line.year in years
    ]
    funded_ids = {p.pk for p in funded}
    out = {
        "micro.proposed": len(projects),
        "micro.reviewing": sum(p.status == MicroStatus.REVIEWING for p in projects),
        "micro.approved": sum(p.approved_amount is not None for p in projects),
        "micro.in_progress": sum(p.status == MicroStatus.IN_PROGRESS for p in projects),
        "micro.accepted": sum(p.status == MicroStatus.ACCEPTED for p in projects),
        "micro.rejected": sum(p.status == MicroStatus.REJECTED for p in projects),
        "micro.budget": sum(
            (
                line.amount
                for line in FundLine.objects.select_related("unit")
                if under(unit, line.unit.path) and line.category == FundCategory.MICRO and line.year in years
            ),
            Decimal(0),
        ),
        "micro.reserved": sum((p.reserved_amount for p in funded), Decimal(0)),
        "micro.spent": sum((e.amount for e in Expenditure.objects.all() if e.project_id in funded_ids), Decimal(0)),
        "micro.social": sum(
            (
                s.amount
                for s in SocialInvestment.objects.select_related("project__community")
                if under(unit, s.project.community.path) and period.start <= s.date <= period.end
            ),
            Decimal(0),
        ),
    }
    for c in MicroCategory.values:
        out[f"micro.cat_{c}"] = sum(p.category == c for p in projects)
        out[f"micro.amount_{c}"] = sum((p.approved_amount or 0 for p in projects if p.category == c), Decimal(0))
    return out


def _actual(sections, key):
    _section, figure = find(sections, key)
    assert figure is not None, key
    if figure.kind == "rate":
        return (figure.numerator, figure.base)
    return figure.value


@pytest.fixture
def grown(tree, people):
    grow(tree, 6)
    return tree


@pytest.mark.parametrize("level", ["district", "street1", "community1", "street2"])
def test_every_figure_equals_a_count_of_the_records(grown, level):
    unit = getattr(grown, level)
    sections = build(unit, WIDE)
    expected = (
        expected_members(unit) | expected_centers(unit) | expected_volunteering(unit, WIDE) | expected_micro(unit, WIDE)
    )
    assert {key: _actual(sections, key) for key in expected} == expected
    # Nothing counted is trivially zero: the data reach every figure checked at the district.
    if level == "district":
        zeros = {key for key, value in expected.items() if value in (0, (0, 0))}
        assert zeros <= {"members.edu_", "micro.rejected", "micro.accepted", "centers.status_preparing"} | {
            k for k in expected if k.startswith("members.party_") or k.startswith("members.age_")
        }


PERIODS = {
    "month": Period.containing("month", TODAY - timedelta(days=10)),
    "quarter": Period.containing("quarter", TODAY - timedelta(days=10)),
    "year": Period.containing("year", fmi_proposed_at.date()),
    # Partial months at both ends; no whole year: the funnel is counted from the projects.
    "range": Period("range", date(fmi_proposed_at.year - 1, 12, 20), TODAY - timedelta(days=5)),
    # A whole year (the kept funnel totals) between partial ones (the projects).
    "range_years": Period("range", date(fmi_proposed_at.year - 1, 12, 20), date(fmi_proposed_at.year + 1, 1, 10)),
}


@pytest.mark.parametrize("level", ["district", "street1", "community1"])
@pytest.mark.parametrize("kind", list(PERIODS))
def test_every_period_counts_what_the_records_hold(grown, level, kind):
    # Whole months and years are read from kept totals (hours per project and month, the funnel's
    # per community, year, status and category), partial ones from the records: the same figures.
    unit, period = getattr(grown, level), PERIODS[kind]
    sections = build(unit, period, only="volunteering") + build(unit, period, only="micro")
    expected = expected_volunteering(unit, period) | expected_micro(unit, period)
    assert {key: _actual(sections, key) for key in expected} == expected
    if level == "district" and kind in ("year", "range_years"):
        assert expected["micro.proposed"] and expected["micro.amount_works"]


def test_left_members_are_not_counted(grown):
    figure = find(build(grown.district, WIDE, only="members"), "members.total")[1]
    assert figure.value == Member.objects.filter(left_reason="").count()
    assert Member.objects.exclude(left_reason="").exists()


@pytest.mark.parametrize("level", ["district", "street1", "community1", "grid1"])
def test_drill_down_rows_add_up_to_the_parent(grown, level):
    unit = getattr(grown, level)
    kids = children(unit)
    for section in build(unit, WIDE):
        for figure in section.figures:
            rows = drill_rows(unit, figure, kids)
            if figure.kind == "rate":
                assert sum(figure.values.get(c.pk if c else 0, 0) for c, _v, _b in rows) == figure.numerator, figure.key
                assert sum(base for _c, _v, base in rows) == (figure.base or 0), figure.key
            else:
                assert sum(value for _c, value, _b in rows) == figure.value, figure.key


def test_a_street_row_of_the_district_table_is_the_streets_own_figure(grown):
    district = {
        c.pk: v
        for c, v, _b in drill_rows(
            grown.district, find(build(grown.district, WIDE), "micro.spent")[1], children(grown.district)
        )
        if c
    }
    street = find(build(grown.street1, WIDE), "micro.spent")[1].value
    assert district[grown.street1.pk] == street > 0


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("tallied", [False, True], ids=["counted", "tallied"])
@pytest.mark.parametrize(
    "name,query,cold,warm",
    [
        # Session, user and scope first (4 queries); then, cold, the sections' queries (4 centers,
        # 1 + 1 members (the kept tally, then the records), 8 + 1 volunteering, 6 micro-projects,
        # 5 demands, 6 organisational life (2 more once dues are set)); warm, none: they come
        # from the cache. With current tallies the members' section reads only its tally (1) and
        # the volunteering section reads the hours from theirs instead of three passes (6).
        ("dashboard", {"period": "year"}, (36, 32), 4),
        # A month: the funnel from the projects (no whole year), the rest as a year.
        ("dashboard", {"period": "month"}, (36, 32), 4),
        # Partial months at both ends: the whole months (hours) and the whole year (the funnel)
        # from kept totals, the days around them from the records: a query more per partial part.
        ("dashboard", {"period": "range", "start": "2025-12-20", "end": "2027-01-10"}, (49, 48), 4),
        ("dashboard_table", {"figure": "members.total"}, (7, 6), 5),
        ("dashboard_table", {"figure": "volunteering.hours", "period": "year"}, (14, 11), 5),
        ("dashboard_table", {"figure": "micro.spent", "sort": "-value"}, (11, 11), 5),
        ("dashboard_report", {"period": "year", "export": "xlsx"}, (39, 35), 7),  # + the download in the trail
    ],
)
def test_query_counts_do_not_grow_with_the_data(
    tree, people, client_for, django_assert_num_queries, name, query, cold, warm, tallied
):
    client = client_for(people.district_admin)
    url = reverse(name, args=[tree.district.pk]) + "?" + "&".join(f"{k}={v}" for k, v in query.items())

    def fresh():
        pagecache.store().clear()
        if tallied:
            assert tallies.refresh_all() > 0

    grow(tree, 2)
    fresh()
    client.get(url)
    pagecache.store().clear()  # the cached sections (and the versions: tallies.refresh_all counts again)
    fresh()
    small = (_count_queries(client, url), _count_queries(client, url))
    grow(tree, 8, start=2)
    fresh()  # the demands' section reads no table grow() writes: still cached
    with django_assert_num_queries(small[0]):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(small[1]):
        assert client.get(url).status_code == 200
    # Pinned: a change that adds a query per unit or per record shows here first.
    assert small == (cold[tallied], warm)


def test_a_write_retires_the_cached_figures(grown, people, client_for):
    client = client_for(people.huafu)
    url = reverse("dashboard", args=[grown.street1.pk])

    def total(response):
        return find(response.context["sections"], "members.total")[1].value

    before = total(client.get(url))
    assert total(client.get(url)) == before  # from the cache
    make_member(grown.grid1, "新党员")
    assert total(client.get(url)) == before + 1
    # A bulk write sends no signal: it bumps the versions itself (pagecache.bump).
    Member.objects.filter(unit=grown.grid1, name="新党员").update(left_reason=LeftReason.DECEASED, left_on=TODAY)
    assert total(client.get(url)) == before + 1
    pagecache.bump("grids.member")
    assert total(client.get(url)) == before


def test_the_cached_section_keeps_its_language(grown, people, client_for):
    client = client_for(people.huafu)
    url = reverse("dashboard", args=[grown.street1.pk])
    assert "5 stars" not in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    assert "5 stars" in client.get(url).content.decode()


def test_the_report_workbook_holds_the_pages_figures(grown, people, client_for):
    client = client_for(people.huafu)
    period = Period.containing("year", TODAY)
    response = client.get(reverse("dashboard_report", args=[grown.street1.pk]), {"period": "year", "export": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    page = client.get(reverse("dashboard", args=[grown.street1.pk]), {"period": "year"})
    checked = 0
    for section in page.context["sections"]:
        for figure in section.figures:
            value = figure.value
            assert (
                summary[str(figure.label)]
                == ("" if value is None else (float(value) if isinstance(value, Decimal) else value))
                or summary[str(figure.label)] in (None, "")
                and value is None
            ), figure.key
            checked += 1
    assert checked > 60
    # One sheet per section, a column per child unit: the community's members.
    members = book[str(page.context["sections"][1].title)]
    header = [cell for cell in next(members.iter_rows(values_only=True))]
    assert header[1] == grown.street1.name and grown.community1.name in header
    expected = dashboard_reports.report(grown.street1, period)
    assert len(list(members.iter_rows())) >= len(expected[2][1][1]) + 1


def test_coverage_is_read_from_the_latest_coverage_job(grown, people):
    from grids.models import Job
    from grids.services.jobs import start_job

    start_job("coverage", user=people.district_admin, unit=grown.district, title="1 km")
    result = Job.objects.get(kind="coverage").result
    assert result["rows"] == 2  # the two building groups of the tree, both with a position
    district = build(grown.district, WIDE, only="centers")[0]
    coverage = district.figure("centers.coverage")
    assert (coverage.numerator, coverage.base) == (result["rows"] - len(result["uncovered"]), result["rows"])
    assert len(district.tables[0][2]) == len(result["uncovered"])
    street = build(grown.street1, WIDE, only="centers")[0].figure("centers.coverage")
    assert street.base == 1 and street.values == {grown.community1.pk: street.numerator}
