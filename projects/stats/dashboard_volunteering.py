"""The dashboard's volunteering section: volunteers, teams, service projects, hours served in the
period (and a year before), hours per month over twelve months, the projects ranked by hours and
by beneficiary visits, and their star ratings. Constant queries whatever the data size.

The hours of a period of whole months (this month, quarter, year) come from the tally of hours
per unit and month that the job `dashboard_tallies` keeps (grids/services/tallies.py) when it is
current: a row per child unit instead of a pass over every service record of two years. When it
is not (the minute after a write, a chosen range), and for the ranking of projects by hours, they
come from the hours per project and month kept with every write (models/hours.py): a row per
project and month. Only the days of a partial month at either end of a chosen range are summed
from their service records."""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grids.services import tallies
from grids.stats.figures import Chart, Section, add_up, counts, figure, figures_chart, rollup, unit_records
from portal.core.periods import ONE_DAY, Period, midnight

from ..models.activities import ServiceRecord
from ..models.hours import ServiceHoursTotal
from ..models.service import ServiceProject, VolunteerTeam
from ..models.volunteers import Volunteer

TOP = 10
STARS = [1, 2, 3, 4, 5]


# Any write to the projects app (its bulk writes bump the app) or to the tree recounts the hours.
HOURS_TABLES = ("projects", "grids.unit")
CENTS = 100  # the tally keeps hundredths of an hour: whole numbers, exact in JSON


def _from_cents(cents):
    return (Decimal(cents) / CENTS).quantize(Decimal("0.01"))


@tallies.register("hours", HOURS_TABLES)
def hours_tally(today):
    """Hours served per unit holding service projects and month ("2026-11"), in hundredths: from
    the hours kept per project and month (a row per project and month, not per record)."""
    rows = ServiceHoursTotal.objects.values("project__unit_id", "month").annotate(hours=Sum("hours")).order_by()
    out = {}
    for row in rows:
        out.setdefault(row["project__unit_id"], {})[f"{row['month']:%Y-%m}"] = int(row["hours"] * CENTS)
    return out


def _whole_months(period):
    return period.start.day == 1 and (period.end + datetime.timedelta(days=1)).day == 1


def _kept_hours(unit, period):
    """{child or OWN: {month: hundredths}} from the kept tally, or None (not current, or a period
    that is not whole months)."""
    earlier = period.year_before()
    if not (_whole_months(period) and _whole_months(earlier)):
        return None
    return tallies.subtree("hours", unit, datetime.date.today())


def _in_months(kept, start, end):
    """{child: {"hours": Decimal}} of the months from start to end, children without hours left out."""
    first, last = f"{start:%Y-%m}", f"{end:%Y-%m}"
    out = {}
    for child, months in kept.items():
        cents = sum(value for month, value in months.items() if first <= month <= last)
        if cents:
            out[child] = {"hours": _from_cents(cents)}
    return out


def _hours(unit, period, kept=None):
    """{child: {"hours": …}}: from the tally when it is current, else the whole months from the
    kept hours per project and month (models/hours.py) and the days outside them from records."""
    if kept is not None:
        return _in_months(kept, period.start, period.end)
    whole, edges = period.split()
    out = {}
    if whole:
        months = ServiceHoursTotal.objects.filter(month__gte=whole[0], month__lt=whole[1])
        add_up(out, rollup(months, "project__unit__path", unit, hours=Sum("hours")))
    for start, end in edges:
        records = ServiceRecord.objects.in_period(start, end)
        add_up(out, rollup(records, "activity__project__unit__path", unit, hours=Sum("hours")))
    return out


def _monthly(unit, period, kept=None):
    months = period.months()
    if kept is not None:
        whole = {}
        for values in kept.values():
            for month, cents in values.items():
                whole[month] = whole.get(month, 0) + cents
        return months, [_from_cents(whole.get(f"{m:%Y-%m}", 0)) for m in months]
    # The twelve months start on a first day; only the last one may end inside its month.
    whole, edges = Period("range", months[0], period.end).split()
    by_month = {}
    if whole:
        kept_months = ServiceHoursTotal.objects.filter(
            project__unit__path__startswith=unit.path, month__gte=whole[0], month__lt=whole[1]
        )
        by_month |= dict(kept_months.values("month").annotate(hours=Sum("hours")).values_list("month", "hours"))
    for start, end in edges:
        records = ServiceRecord.objects.filter(activity__project__unit__path__startswith=unit.path).in_period(
            start, end
        )
        by_month[start.replace(day=1)] = by_month.get(start.replace(day=1), 0) + records.total_hours()
    return months, [by_month.get(month, 0) for month in months]


def _top_by_hours(unit, period):
    """The TOP projects under the unit with the most hours in the period: the whole months from the
    kept hours per project and month (models/hours.py), the days of a partial month at either end
    of a chosen range from their records; one query for whole months, three with partial ones.

    A project with no hours in the partial days ranks where its whole months put it, so only the
    TOP of the whole months and the projects with partial-day hours can make the list."""
    whole, edges = period.split()
    kept = ServiceHoursTotal.objects.filter(project__unit__path__startswith=unit.path)
    rows = {}
    if whole:
        kept = kept.filter(month__gte=whole[0], month__lt=whole[1])
        best = kept.values("project", "project__title", "project__unit__name").annotate(hours=Sum("hours"))
        rows = {r["project"]: r for r in best.order_by("-hours", "project")[:TOP]}
    if edges:
        days = Q(pk__in=[])
        for start, end in edges:
            days |= Q(activity__starts_at__gte=midnight(start), activity__starts_at__lt=midnight(end + ONE_DAY))
        partial = (
            ServiceRecord.objects.filter(days, activity__project__unit__path__startswith=unit.path)
            .values("activity__project", "activity__project__title", "activity__project__unit__name")
            .annotate(hours=Sum("hours"))
            .order_by()
        )
        partial = list(partial)
        more = [r["activity__project"] for r in partial if r["activity__project"] not in rows]
        months = {}
        if whole and more:
            months = dict(
                kept.filter(project__in=more)
                .values("project")
                .annotate(hours=Sum("hours"))
                .values_list("project", "hours")
            )
        for r in partial:
            pk = r["activity__project"]
            row = rows.setdefault(
                pk,
                {
                    "project": pk,
                    "project__title": r["activity__project__title"],
                    "project__unit__name": r["activity__project__unit__name"],
                    "hours": months.get(pk, 0),
                },
            )
            row["hours"] += r["hours"]
    top = sorted(rows.values(), key=lambda r: (-r["hours"], r["project"]))[:TOP]
    return [
        (
            reverse("volunteer_staff_project", args=[r["project"]]),
            r["project__title"],
            r["project__unit__name"],
            r["hours"],
        )
        for r in top
    ]


def _top_by_visits(unit):
    rows = (
        ServiceProject.objects.filter(unit__path__startswith=unit.path, beneficiary_visits__gt=0)
        .values("pk", "title", "unit__name", "beneficiary_visits")
        .order_by("-beneficiary_visits", "pk")[:TOP]
    )
    return [
        (reverse("volunteer_staff_project", args=[r["pk"]]), r["title"], r["unit__name"], r["beneficiary_visits"])
        for r in rows
    ]


def volunteering_dashboard(unit, period):
    volunteers = rollup(Volunteer.objects.all(), "unit__path", unit, n=Count("pk"))
    teams = rollup(VolunteerTeam.objects.all(), "unit__path", unit, n=Count("pk"))
    aggregates = {"n": Count("pk"), "visits": Sum("beneficiary_visits")} | counts(STARS, "star_rating", "star_")
    projects = rollup(ServiceProject.objects.all(), "unit__path", unit, **aggregates)
    kept = _kept_hours(unit, period)
    hours = _hours(unit, period, kept)
    before = figure("volunteering.hours", "", _hours(unit, period.year_before(), kept), "hours", kind="hours")
    figures = [
        figure("volunteering.volunteers", _("Volunteers"), volunteers, "n"),
        figure("volunteering.teams", _("Volunteer teams"), teams, "n"),
        figure("volunteering.projects", _("Service projects"), projects, "n"),
        figure("volunteering.hours", _("Hours served in the period"), hours, "hours", kind="hours", compare=before),
        figure("volunteering.visits", _("Beneficiary visits"), projects, "visits"),
    ]
    figures += [figure(f"volunteering.star_{n}", _("%(n)d stars") % {"n": n}, projects, f"star_{n}") for n in STARS]
    for each in figures:
        # Under the unit at any level: the staff lists of volunteers, teams and projects cannot be narrowed.
        each.records = unit_records(each.key)
    section = Section("volunteering", _("Volunteering"), figures)
    months, monthly = _monthly(unit, period, kept)
    stars = [section.figure(f"volunteering.star_{n}") for n in STARS]
    section.charts += [
        Chart(
            "volunteering-months",
            _("Hours per month, last twelve months"),
            "line",
            [f"{m:%Y-%m}" for m in months],
            [(_("Hours"), monthly)],
            unit="hours",
        ),
        figures_chart("volunteering-stars", _("Service projects by star rating"), "bar", stars, _("Projects")),
    ]
    header = (_("Project"), _("Unit"))
    section.tables += [
        (_("Projects with the most hours in the period"), (*header, _("Hours")), _top_by_hours(unit, period)),
        (_("Projects with the most beneficiary visits"), (*header, _("Beneficiary visits")), _top_by_visits(unit)),
    ]
    return section
