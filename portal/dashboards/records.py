"""The records behind a dashboard figure whose own list cannot be narrowed to a unit (centers,
volunteers, teams, service projects; issue 12): `/staff/dashboard/<unit>/records/?figure=…`
lists them under the unit at any level, each leading to its own page. Figures whose list filters
by the unit (members, micro-projects, demands, meetings, dues) link to that list instead."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from centers.models import Center, Status
from grids.scope import VIEW
from portal.core.money import format_yuan
from projects.models import FundCategory, FundLine, ServiceProject, Volunteer, VolunteerTeam

SHOWN = 200  # the page stays bounded however large the unit: the first SHOWN, and the count


def _center(center):
    return reverse("staff_center_detail", args=[center.pk]), center.name, center.owner.name, center.get_kind_display()


def _project(project):
    stars = "★" * project.star_rating if project.star_rating else ""
    return reverse("volunteer_staff_project", args=[project.pk]), project.title, project.unit.name, stars


def _volunteer(volunteer):
    return reverse("volunteer_staff_volunteer", args=[volunteer.pk]), volunteer.name, volunteer.unit.name, ""


def _team(team):
    return "", team.name, team.unit.name, ""


def _fund_line(line):
    return reverse("micro_staff_fund", args=[line.pk]), str(line), line.unit.name, format_yuan(line.amount)


def _budget(key, period):
    """The 民生微实事 fund lines of the period's years, as the budget figure counts them."""
    years = range(period.start.year, period.end.year + 1)
    return FundLine.objects.select_related("unit").filter(category=FundCategory.MICRO, year__in=years)


def _centers(key, period):
    centers = Center.objects.select_related("owner")
    if key.startswith("centers.kind_"):
        return centers.filter(kind=key.removeprefix("centers.kind_"))
    if key.startswith("centers.status_"):
        return centers.filter(status=key.removeprefix("centers.status_"))
    if key == "centers.hours":
        return centers.filter(status=Status.OPERATING)
    return centers


def _projects(key, period):
    projects = ServiceProject.objects.select_related("unit")
    if key.startswith("volunteering.star_"):
        return projects.filter(star_rating=int(key.removeprefix("volunteering.star_")))
    if key == "volunteering.visits":
        return projects.filter(beneficiary_visits__gt=0)
    return projects


# figure key (or prefix ending in "_") -> (records, row, order, header of the third column)
LISTS = {
    "centers.total": (_centers, _center, ("owner__path", "name", "pk"), _("Kind")),
    "centers.kind_": (_centers, _center, ("owner__path", "name", "pk"), _("Kind")),
    "centers.status_": (_centers, _center, ("owner__path", "name", "pk"), _("Kind")),
    "centers.hours": (_centers, _center, ("owner__path", "name", "pk"), _("Kind")),
    "volunteering.volunteers": (
        lambda key, period: Volunteer.objects.select_related("unit"),
        _volunteer,
        ("unit__path", "name", "pk"),
        "",
    ),
    "volunteering.teams": (
        lambda key, period: VolunteerTeam.objects.select_related("unit"),
        _team,
        ("unit__path", "name", "pk"),
        "",
    ),
    "volunteering.projects": (_projects, _project, ("unit__path", "title", "pk"), _("Star rating")),
    "volunteering.hours": (_projects, _project, ("unit__path", "title", "pk"), _("Star rating")),
    "volunteering.visits": (_projects, _project, ("unit__path", "title", "pk"), _("Star rating")),
    "volunteering.star_": (_projects, _project, ("unit__path", "title", "pk"), _("Star rating")),
    "micro.budget": (_budget, _fund_line, ("unit__path", "year", "pk"), _("Amount")),
}


def listed(key):
    """The entry of LISTS for a figure key, or None (its records are on a list of their own)."""
    if key in LISTS:
        return LISTS[key]
    return next((entry for prefix, entry in LISTS.items() if prefix.endswith("_") and key.startswith(prefix)), None)


def records(user, unit, key, period):
    """(rows shown, count) of the records behind figure `key` under `unit`, read through the
    user's scope: two queries whatever the size."""
    make, row, order, _header = listed(key)
    queryset = make(key, period).visible_to(user, VIEW).within(unit)
    return [row(record) for record in queryset.order_by(*order)[:SHOWN]], queryset.count()
