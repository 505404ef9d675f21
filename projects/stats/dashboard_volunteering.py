"""The dashboard's volunteering section: volunteers, teams, service projects, hours served in the
period (and a year before), hours per month over twelve months, the projects ranked by hours and
by beneficiary visits, and their star ratings. Constant queries whatever the data size."""

import datetime

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.stats.figures import Chart, Records, Section, counts, figure, figures_chart, rollup

from ..models.activities import ServiceRecord
from ..models.service import ServiceProject, VolunteerTeam
from ..models.volunteers import Volunteer

TOP = 10
STARS = [1, 2, 3, 4, 5]


def _url(name):
    return Records.of(name)


def _hours(unit, period):
    records = ServiceRecord.objects.in_period(period.start, period.end)
    return rollup(records, "activity__project__unit__path", unit, hours=Sum("hours"))


def _monthly(unit, period):
    months = period.months()
    start = months[0]
    records = ServiceRecord.objects.filter(activity__project__unit__path__startswith=unit.path).in_period(
        start, period.end
    )
    rows = (
        records.annotate(month=TruncMonth("activity__starts_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    by_month = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        by_month[month] = row["hours"]
    return months, [by_month.get(month, 0) for month in months]


def _top_by_hours(unit, period):
    records = ServiceRecord.objects.filter(activity__project__unit__path__startswith=unit.path).in_period(
        period.start, period.end
    )
    rows = (
        records.values("activity__project", "activity__project__title", "activity__project__unit__name")
        .annotate(hours=Sum("hours"))
        .order_by("-hours", "activity__project")[:TOP]
    )
    return [
        (
            reverse("volunteer_staff_project", args=[r["activity__project"]]),
            r["activity__project__title"],
            r["activity__project__unit__name"],
            r["hours"],
        )
        for r in rows
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
    hours = _hours(unit, period)
    before = figure("volunteering.hours", "", _hours(unit, period.year_before()), "hours", kind="hours")
    projects_url = _url("volunteer_staff_projects")
    figures = [
        figure("volunteering.volunteers", _("Volunteers"), volunteers, "n", records=_url("volunteer_staff_volunteers")),
        figure("volunteering.teams", _("Volunteer teams"), teams, "n", records=_url("volunteer_staff_teams")),
        figure("volunteering.projects", _("Service projects"), projects, "n", records=projects_url),
        figure(
            "volunteering.hours",
            _("Hours served in the period"),
            hours,
            "hours",
            kind="hours",
            records=projects_url,
            compare=before,
        ),
        figure("volunteering.visits", _("Beneficiary visits"), projects, "visits", records=projects_url),
    ]
    figures += [
        figure(f"volunteering.star_{n}", _("%(n)d stars") % {"n": n}, projects, f"star_{n}", records=projects_url)
        for n in STARS
    ]
    section = Section("volunteering", _("Volunteering"), figures)
    months, monthly = _monthly(unit, period)
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
