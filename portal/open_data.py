"""数据公开 (issue 12): the public figures of /open/stats.json as charts, each with its table,
and the same tables as a CSV download. Figures are read through portal/stats.py (its sections,
which the public cache and maintained aggregates stand behind), never by new queries here."""

import datetime
from decimal import Decimal

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from centers.models import Kind
from grids.models import Category, Level, Unit
from grids.stats.figures import Chart
from portal.core import pagecache, params
from portal.core.exports import csv_response

from . import stats

YEARS = 5


def _micro(unit=None, year=None):
    return stats.one("micro_projects", unit, year=year)


def _money(value):
    return Decimal(value) if isinstance(value, str) else value


def charts(year):
    figures = stats.build(year=year)
    kinds = figures["centers"]["by_kind"]
    members = figures["members"]
    volunteering = figures["volunteering"]
    micro = figures["micro_projects"]
    streets = list(Unit.objects.filter(level=Level.STREET).order_by("name").only("name", "path"))
    by_street = [(street.name, _micro(street, year)) for street in streets]
    this_year = datetime.date.today().year
    years = list(range(this_year - YEARS + 1, this_year + 1))
    by_year = [(str(y), _micro(None, y)) for y in years]
    stages = [
        ("proposed", _("Proposed")),
        ("approved", _("Approved")),
        ("in_progress", _("In progress")),
        ("accepted", _("Accepted")),
    ]
    money = [
        ("approved_amount", _("Approved (yuan)")),
        ("spent", _("Spent (yuan)")),
        ("social_investment", _("Social investment (yuan)")),
    ]
    return [
        Chart(
            "open-centers",
            _("Service centers by kind"),
            "pie",
            [Kind(k).label for k in kinds],
            [(_("Centers"), list(kinds.values()))],
        ),
        Chart(
            "open-members",
            _("Party members by category"),
            "bar",
            [Category(c).label for c in members["by_category"]],
            [(_("Party members"), list(members["by_category"].values()))],
        ),
        Chart(
            "open-volunteering",
            _("Volunteering"),
            "bar",
            [_("Service projects"), _("Volunteer teams"), _("Volunteers"), _("Activities")],
            [(_("How many"), [volunteering[k] for k in ("projects", "teams", "volunteers", "activities")])],
        ),
        Chart(
            "open-micro-stages",
            _("Micro-projects by stage"),
            "bar",
            [label for _k, label in stages],
            [(_("Projects"), [micro[k] for k, _l in stages])],
        ),
        Chart(
            "open-micro-streets",
            _("Micro-project money by street"),
            "bar",
            [name for name, _f in by_street],
            [(label, [_money(f[k]) for _n, f in by_street]) for k, label in money],
        ),
        Chart(
            "open-micro-years",
            _("Micro-project money by year"),
            "line",
            [y for y, _f in by_year],
            [(label, [_money(f[k]) for _y, f in by_year]) for k, label in money],
        ),
    ], volunteering["hours"]


@require_safe
@pagecache.public_page("grids", "centers", "projects")
def open_data(request):
    year = params.year(request.GET, "year")
    chart_list, hours = charts(year)
    if params.choice(request.GET, "format", ["csv"], label=_("format")):
        rows = []
        for chart in chart_list:
            rows.append([chart.title])
            rows.append([_("Item"), *[name for name, _data in chart.series]])
            rows += [[label, *[data[i] for _n, data in chart.series]] for i, label in enumerate(chart.labels)]
            rows.append([])
        return csv_response("open-data.csv", rows)
    context = {
        "charts": [c.as_json() for c in chart_list],
        "chart_list": chart_list,
        "year": year,
        "hours": hours,
        "years": list(range(datetime.date.today().year, datetime.date.today().year - YEARS, -1)),
    }
    return render(request, "portal/open_data.html", context)
