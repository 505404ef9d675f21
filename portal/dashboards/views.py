"""The dashboard pages: a unit's dashboard, the drill-down table of one figure, the report."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.models import Level, Unit
from grids.scope import scope_for
from portal.core import params, periods
from portal.core.exports import xlsx_response
from portal.core.maps import map_config

from . import build, charts_json, children, drill_rows, find, records, reports, section_of, sort_rows

SORTS = ["name", "value", "-value"]


def _unit(request, unit_pk):
    scope = scope_for(request.user)
    unit = scope.get_object_or_404(Unit.objects.all(), pk=unit_pk)
    unit.trail = unit.ancestors()
    # Ancestors above the user's own units are shown as names, not links (they are outside).
    unit.trail = [(a, scope.allows(a)) for a in unit.trail]
    return unit


def _context(unit, period, request):
    query = urlencode(period.query())
    return {
        "unit": unit,
        "period": period,
        "period_query": query,
        "level_label": Level(unit.level).label,
        "child_level": Level(unit.level + 1).label if unit.level < Level.BUILDING else "",
        "kinds": periods.KINDS,
    }


@require_safe
@login_required
def dashboard(request, unit_pk):
    unit = _unit(request, unit_pk)
    period = periods.period(request.GET)
    sections = build(unit, period)
    markers = [marker for section in sections for marker in section.markers]
    context = _context(unit, period, request) | {
        "sections": sections,
        "charts": charts_json(sections),
        "map": map_config(markers) if markers else None,
    }
    return render(request, "portal/dashboard/dashboard.html", context)


@require_safe
@login_required
def dashboard_table(request, unit_pk):
    """One figure for each child unit, sortable, each row leading to the child's own table (drill
    down again) and to the records behind the figure."""
    unit = _unit(request, unit_pk)
    period = periods.period(request.GET)
    section, figure = _figure(request, unit, period, "members.total")
    key = figure.key
    sort = params.choice(request.GET, "sort", SORTS, default="name", label=_("sort"))
    kids = children(unit)
    rows = sort_rows(drill_rows(unit, figure, kids), sort)
    query = urlencode(period.query() | {"figure": key})
    table = [
        {
            "unit": child,
            "value": value,
            "base": base,
            "table": reverse("dashboard_table", args=[child.pk]) + "?" + query
            if child and child.level < Level.BUILDING
            else "",
            "dashboard": reverse("dashboard", args=[child.pk]) + "?" + urlencode(period.query()) if child else "",
            "records": figure.records(child or unit) if figure.records else "",
        }
        for child, value, base in rows
    ]
    context = _context(unit, period, request) | {
        "section": section,
        "figure": figure,
        "rows": table,
        "sort": sort,
        "query": query,
        "total": figure.value,
    }
    return render(request, "portal/dashboard/table.html", context)


def _figure(request, unit, period, default):
    """The figure named by ?figure= on the unit's dashboard (`default` when none): (section, figure)."""
    key = params.text(request.GET, "figure", max_length=60, label=_("figure")) or default
    name = section_of(key)
    section, figure = find(build(unit, period, only=name), key) if name else (None, None)
    if figure is None:
        raise params.BadParameter(_("There is no such figure on the dashboard."), name="figure")
    return section, figure


@require_safe
@login_required
def dashboard_records(request, unit_pk):
    """The records behind a figure under the unit, at any level, for the figures whose own list
    cannot be narrowed to a unit (portal/dashboards/records.py)."""
    unit = _unit(request, unit_pk)
    period = periods.period(request.GET)
    section, figure = _figure(request, unit, period, "centers.total")
    if records.listed(figure.key) is None:
        raise params.BadParameter(_("The records of this figure are on a list of their own."), name="figure")
    rows, total = records.records(request.user, unit, figure.key, period)
    context = _context(unit, period, request) | {
        "section": section,
        "figure": figure,
        "rows": rows,
        "total": total,
        "header": records.listed(figure.key)[3],
        "table": reverse("dashboard_table", args=[unit.pk]) + "?" + urlencode(period.query() | {"figure": figure.key}),
    }
    return render(request, "portal/dashboard/records.html", context)


@require_safe
@login_required
def dashboard_report(request, unit_pk):
    """The report of the period as a printable page, or (?export=xlsx) as a workbook."""
    unit = _unit(request, unit_pk)
    period = periods.period(request.GET)
    if params.choice(request.GET, "export", ["xlsx"], label=_("export")):
        return xlsx_response(reports.filename(unit, period), reports.workbook(unit, period))
    sections, kids, tables = reports.report(unit, period)
    context = _context(unit, period, request) | {"tables": tables, "kids": kids}
    return render(request, "portal/dashboard/report.html", context)
