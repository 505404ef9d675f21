"""数据公开 (issue 12): the public figures of /open/stats.json as charts, each with its table,
and the same tables as a CSV download. Figures are read through portal/stats.py (its sections,
which the public cache and maintained aggregates stand behind), never by new queries here."""

import datetime
from decimal import Decimal

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from centers.models import Kind
from grids.models import Category
from grids.stats.figures import Chart
from portal.core import pagecache, params
from portal.core.exports import csv_response
from projects.models import MicroCategory

from . import stats

YEARS = 5


def _money(value):
    return Decimal(value) if isinstance(value, str) else value


def charts(year):
    """The page's charts: each reads one cached section of portal/stats.py (nine queries in all
    on an empty cache, whatever the data size: centers 1, members 2, volunteering 2, the
    micro-projects' breakdowns 4)."""
    kinds = stats.one("centers")["by_kind"]
    members = stats.one("members")
    volunteering = stats.one("volunteering")
    micro = stats.one("micro_breakdown", year=year)
    by_street = [(street["name"], street) for street in micro["by_street"]]
    this_year = datetime.date.today().year
    years = [str(y) for y in range(this_year - YEARS + 1, this_year + 1)]
    empty = dict.fromkeys(["proposed", "approved_amount", "spent", "social_investment"], 0)
    by_year = [(y, micro["by_year"].get(y, empty)) for y in years]
    by_category = [(MicroCategory(value).label, figures) for value, figures in micro["by_category"].items()]
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
    total = micro["total"]
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
            [(_("Projects"), [total[k] for k, _l in stages])],
        ),
        Chart(
            "open-micro-categories",
            _("Micro-projects by category"),
            "bar",
            [label for label, _f in by_category],
            [(label, [f[k] for _l, f in by_category]) for k, label in stages],
        ),
        Chart(
            "open-micro-category-money",
            _("Micro-project money by category"),
            "bar",
            [label for label, _f in by_category],
            [(label, [_money(f[k]) for _l, f in by_category]) for k, label in money],
            unit="money",
        ),
        Chart(
            "open-micro-streets",
            _("Micro-project money by street"),
            "bar",
            [name for name, _f in by_street],
            [(label, [_money(f[k]) for _n, f in by_street]) for k, label in money],
            unit="money",
        ),
        Chart(
            "open-micro-years",
            _("Micro-project money by year"),
            "line",
            [y for y, _f in by_year],
            [(label, [_money(f[k]) for _y, f in by_year]) for k, label in money],
            unit="money",
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
