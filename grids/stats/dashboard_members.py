"""The dashboard's members section: how many members there are under a unit and what they are
like (category, age, gender, education, years in the Party), with the in-service members'
reporting and claim rates, per child unit in one query. Members who have left (转出, 出党,
去世: `left_reason` set) are not counted.

A past period counts as of its last day: the members who had joined the Party by then and had not
left by then (`left_on`), their ages and years in the Party on that day, and the reports and
claims made by then. A period reaching today counts today's members, from the tally the job
`dashboard_tallies` keeps (grids/services/tallies.py) when it is current, from the records
otherwise."""

from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Category, Education, Gender, Member, PostClaim, Report
from ..services import tallies
from .figures import Records, Section, counts, figure, figures_chart, rate_figure, rollup

# (label, youngest, oldest or None): the bands of Chinese 智慧党建 dashboards (issue 12).
AGE_BANDS = [
    ("age_30", _("30 and under"), 0, 30),
    ("age_45", _("31 to 45"), 31, 45),
    ("age_60", _("46 to 60"), 46, 60),
    ("age_61", _("61 and over"), 61, None),
]
PARTY_YEARS = [
    ("party_10", _("Under 10 years"), 0, 9),
    ("party_20", _("10 to 19 years"), 10, 19),
    ("party_30", _("20 to 29 years"), 20, 29),
    ("party_40", _("30 to 39 years"), 30, 39),
    ("party_old", _("40 years and more"), 40, None),
]


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def within_years(field, youngest, oldest, today):
    """Q: `field` (a date) lies between `youngest` and `oldest` whole years before today."""
    condition = Q(**{f"{field}__lte": years_before(today, youngest)})
    if oldest is not None:
        condition &= Q(**{f"{field}__gt": years_before(today, oldest + 1)})
    return condition


# The tables the members' figures read (tags of portal/core/pagecache.py).
TABLES = ("grids.member", "grids.report", "grids.postclaim", "grids.unit")


def current_members():
    return Member.objects.filter(left_reason="")


def members_on(day, today):
    """The members on `day`: today's are those who have not left; on a past day, those who had
    joined the Party by then and had not left by then (a member who has left always has the date:
    member_left_with_reason_and_date)."""
    if day >= today:
        return current_members()
    return Member.objects.filter(joined_on__lte=day).filter(Q(left_reason="") | Q(left_on__gt=day))


def _aggregates(today, past=False):
    """The figures counted as of `today` (a past day when `past`: reports and claims made by then)."""
    aggregates = {"total": Count("pk")}
    aggregates |= counts(Category.values, "category", "cat_")
    aggregates |= counts(Gender.values, "gender", "gender_")
    aggregates |= counts([*Education.values, ""], "education", "edu_")
    for key, _label, youngest, oldest in AGE_BANDS:
        aggregates[key] = Count("pk", filter=within_years("birth_date", youngest, oldest, today))
    for key, _label, youngest, oldest in PARTY_YEARS:
        aggregates[key] = Count("pk", filter=within_years("joined_on", youngest, oldest, today))
    in_service = Q(category=Category.IN_SERVICE)
    # IN (an uncorrelated subquery) rather than EXISTS: PostgreSQL hashes the reporting members
    # once, where EXISTS probed the claims per in-service member (1.3 s of 1.9 s at 100,000
    # members before ANALYZE, no index on the claims' member).
    reports, claims = Report.objects.all(), PostClaim.objects.all()
    if past:
        reports, claims = reports.filter(reported_on__lte=today), claims.filter(claimed_on__lte=today)
    aggregates["reported"] = Count("pk", filter=in_service & Q(pk__in=reports.values("member_id")))
    aggregates["claimed"] = Count("pk", filter=in_service & Q(pk__in=claims.values("member_id")))
    return aggregates


# Counting a district's members from the records takes seconds at national scale (1.4 s at 10×):
# in the minute after a write, before the job counts again, the page reads the last count and says
# when it was made (the members' list and the public figures are exact at once: unit_counts).
LAG = timedelta(minutes=3)


@tallies.register("members", TABLES, lag=LAG)
def tally(today):
    """Today's figures of each unit holding members itself: one GROUP BY over the members."""
    rows = current_members().values("unit_id").annotate(**_aggregates(today)).order_by()
    return {row.pop("unit_id"): row for row in rows}


def _rows(unit, day, today):
    if day >= today:
        kept = tallies.subtree("members", unit, today)
        if kept is not None:
            return kept
    return rollup(members_on(day, today), "unit__path", unit, **_aggregates(day, past=day < today))


def member_list_url(**query):
    return Records.of("member_list", unit="unit", **query)


def members_dashboard(unit, period):
    today = date.today()
    day = min(period.end, today)
    rows = _rows(unit, day, today)
    everyone = member_list_url()
    figures = [figure("members.total", _("Party members"), rows, "total", records=everyone)]
    figures += [
        figure(f"members.cat_{value}", label, rows, f"cat_{value}", records=member_list_url(category=value))
        for value, label in Category.choices
    ]
    groups = [
        ("gender", [(f"gender_{v}", label) for v, label in Gender.choices]),
        ("education", [(f"edu_{v}", label) for v, label in Education.choices] + [("edu_", _("Not recorded"))]),
        ("age", [(key, label) for key, label, *_rest in AGE_BANDS]),
        ("party_years", [(key, label) for key, label, *_rest in PARTY_YEARS]),
    ]
    for _group, pairs in groups:
        figures += [figure(f"members.{name}", label, rows, name, records=everyone) for name, label in pairs]
    in_service = member_list_url(category=Category.IN_SERVICE)
    figures += [
        rate_figure(
            "members.reported",
            _("In-service members reported"),
            rows,
            "reported",
            f"cat_{Category.IN_SERVICE}",
            records=in_service,
        ),
        rate_figure(
            "members.claimed",
            _("In-service members with a claimed post"),
            rows,
            "claimed",
            f"cat_{Category.IN_SERVICE}",
            records=in_service,
        ),
    ]
    section = Section("members", _("Party members"), figures)
    if day < today:
        section.note = _("Members as of %(day)s, the last day of the period.") % {"day": f"{day:%Y-%m-%d}"}
    elif getattr(rows, "behind_since", None):
        counted = timezone.localtime(rows.behind_since)
        section.note = _("Counted at %(time)s: changes since then are counted within a minute.") % {
            "time": f"{counted:%H:%M}"
        }
    titles = {
        "gender": _("Gender"),
        "education": _("Education"),
        "age": _("Age"),
        "party_years": _("Years in the Party"),
    }
    section.charts.append(_pie(section, "category", _("By category"), [f"cat_{v}" for v in Category.values]))
    for group, pairs in groups:
        kind = "pie" if group == "gender" else "bar"
        section.charts.append(_pie(section, group, titles[group], [name for name, _label in pairs], kind=kind))
    return section


def _pie(section, key, title, names, kind="pie"):
    figures = [section.figure(f"members.{name}") for name in names]
    return figures_chart(f"members-{key}", title, kind, figures, _("Party members"))
