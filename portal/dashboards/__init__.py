"""The staff dashboards (issue 12): one page per unit of the user's scope, the same at every
level, each section a function of (unit, period) from an app's stats/ package.

Add a section by appending to SECTIONS: its name, its function, and the tables it reads (tags
of portal/core/pagecache.py: an app label or a model label). Each section computes every figure
for the unit and each of its child units in a constant number of set-based queries
(grids.stats.figures.rollup), and is kept in the shared cache per (unit, period, day, language)
and version of its tables: any write to one of them (a model signal, or pagecache.bump after a
bulk write) retires it, so a dashboard opened again, its drill-down tables and its report read
the figures without a query until something they count changes. A section that depends on the
clock as well (overdue demands) is kept only to the next minute."""

from django.utils import timezone, translation

from centers.stats.dashboard_centers import centers_dashboard
from grids.models import Unit
from grids.services import tallies
from grids.stats.dashboard_demands import demands_dashboard
from grids.stats.dashboard_life import life_dashboard
from grids.stats.dashboard_members import TABLES as MEMBER_TABLES
from grids.stats.dashboard_members import members_dashboard
from grids.stats.figures import OWN
from portal.core import pagecache
from projects.stats.dashboard_micro import micro_dashboard
from projects.stats.dashboard_volunteering import volunteering_dashboard

UNITS = "grids.unit"  # names and paths: every section groups by them
SECTIONS = [
    # The coverage share is read from the latest coverage job (grids.job).
    ("centers", centers_dashboard, ("centers", "grids.job", UNITS)),
    # Today's figures come from the tally the job dashboard_tallies keeps when it is current (or
    # counted in the last minutes): built again once the job has counted (tallies.TAG).
    ("members", members_dashboard, (*MEMBER_TABLES, tallies.TAG)),
    ("volunteering", volunteering_dashboard, ("projects", UNITS)),
    ("micro", micro_dashboard, ("projects", UNITS)),
    ("demands", demands_dashboard, ("grids.demand", "grids.demandcategory", UNITS)),
    (
        "life",
        life_dashboard,
        ("grids.meeting", "grids.meetingrule", "grids.duesassessment", "grids.duespayment", "grids.member", UNITS),
    ),
]
# The shape of a kept Section (grids.stats.figures): change it with the dataclasses, so that a
# deployment never unpickles sections kept by the previous code (2: Section.markers).
FORMAT = 2
# Sections whose figures change with the time of day, not only with writes: "overdue now".
CLOCK = {"demands"}


def build(unit, period, only=None):
    """The sections of the unit's dashboard (or only the one named `only`), from the cache."""
    return [_cached(name, section, tags, unit, period) for name, section, tags in SECTIONS if only in (None, name)]


def _cached(name, section, tags, unit, period):
    # The day is in the key (ages, years in the Party, the months of dues gone by are counted
    # to today) and the language (a few labels are formatted when the section is computed).
    parts = (FORMAT, unit.pk, period.kind, period.start, period.end, timezone.localdate(), translation.get_language())
    compute = lambda: section(unit, period)  # noqa: E731
    return pagecache.cached_value(f"dashboard:{name}", tags, compute, *parts, clock=name in CLOCK)


def section_of(figure_key):
    """The name of the section a figure key ("members.total") belongs to, or None."""
    name = figure_key.split(".", 1)[0]
    return name if name in {name for name, _section, _tags in SECTIONS} else None


def find(sections, key):
    for section in sections:
        for figure in section.figures:
            if figure.key == key:
                return section, figure
    return None, None


def children(unit):
    return list(Unit.objects.filter(parent=unit).order_by("name", "pk"))


def drill_rows(unit, figure, kids):
    """One row per child unit (every child, zero or not), and one for the records the unit holds
    itself when it holds any: (unit or None, value, base)."""
    rows = [(child, figure.of(child.pk), _base(figure, child.pk)) for child in kids]
    if OWN in figure.values or (figure.bases and OWN in figure.bases):
        rows.append((None, figure.of(OWN), _base(figure, OWN)))
    return rows


def _base(figure, key):
    return figure.bases.get(key, 0) if figure.bases is not None else None


def sort_rows(rows, sort):
    if sort == "name":
        return rows
    present = [row for row in rows if row[1] is not None]
    missing = [row for row in rows if row[1] is None]
    return sorted(present, key=lambda row: row[1], reverse=sort == "-value") + missing


def charts_json(sections):
    return [chart.as_json() for section in sections for chart in section.charts]
