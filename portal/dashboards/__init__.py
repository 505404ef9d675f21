"""The staff dashboards (issue 12): one page per unit of the user's scope, the same at every
level, each section a function of (unit, period) from an app's stats/ package.

Add a section by appending to SECTIONS (residents' demands and organisational life will).
Each section computes every figure for the unit and each of its child units in a constant
number of set-based queries (grids.stats.figures.rollup)."""

from centers.stats.dashboard_centers import centers_dashboard
from grids.models import Unit
from grids.stats.dashboard_members import members_dashboard
from grids.stats.figures import OWN
from projects.stats.dashboard_micro import micro_dashboard
from projects.stats.dashboard_volunteering import volunteering_dashboard

SECTIONS = [
    ("centers", centers_dashboard),
    ("members", members_dashboard),
    ("volunteering", volunteering_dashboard),
    ("micro", micro_dashboard),
]


def build(unit, period, only=None):
    """The sections of the unit's dashboard (or only the one named `only`)."""
    return [section(unit, period) for name, section in SECTIONS if only in (None, name)]


def section_of(figure_key):
    """The name of the section a figure key ("members.total") belongs to, or None."""
    name = figure_key.split(".", 1)[0]
    return name if name in dict(SECTIONS) else None


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
