"""The public aggregate figures of /open/stats.json and the home page: counts and sums only, never
a person. The staff dashboard reads the same figures.

Each app contributes one section, a function of the unit (or None for the whole portal), and the
tables it reads (model labels, see portal/core/pagecache.py). A section is computed once per
version of those tables and unit and kept in the shared cache: a write to one of its tables
bumps the version (model signals), so the next reader recomputes it in a constant number of
queries (one to three per section) and everyone else reads the cached figures. The sections
whose tables grow with the district (members and their reports and claims, service records) sum
the counts each unit keeps of its own records (grids/services/unit_counts.py, kept in the writing
transaction), so that recompute is bounded by the units, not by a million members. Add a section
by appending to SECTIONS.
"""

from centers.stats import centers_section
from grids.stats import demands_section, members_section, units_section
from portal.core import pagecache
from projects.stats import micro_breakdown, micro_section, volunteering_section

MICRO_TABLES = ("projects.microproject", "projects.expenditure", "projects.socialinvestment", "grids.unit")

SECTIONS = [
    ("units", units_section, ("grids.unit",)),
    ("centers", centers_section, ("centers.center", "grids.unit")),
    (
        "members",
        members_section,
        ("grids.member", "grids.report", "grids.servicepost", "grids.postclaim", "grids.meeting", "grids.unit"),
    ),
    ("volunteering", volunteering_section, ("projects", "grids.unit")),
    ("micro_projects", micro_section, MICRO_TABLES),
    ("demands", demands_section, ("grids.demand", "grids.demandcategory", "grids.unit")),
]


# Figures the 数据公开 page draws beyond those of /open/stats.json (its charts' breakdowns), read
# with one() and cached the same way; not in the JSON, whose every reader would pay for them.
PAGE_SECTIONS = [
    ("micro_breakdown", micro_breakdown, MICRO_TABLES),
]


def build(unit=None, **params):
    return {name: _cached(name, section, tags, unit, params) for name, section, tags in SECTIONS}


def one(name, unit=None, **params):
    """One section's figures, cached like build()'s (the 数据公开 page reads one per street and year)."""
    for section_name, section, tags in SECTIONS + PAGE_SECTIONS:
        if section_name == name:
            return _cached(name, section, tags, unit, params)
    raise KeyError(name)


def _cached(name, section, tags, unit, params):
    unit_key = unit.pk if unit is not None else ""
    param_key = repr(sorted(params.items()))
    return pagecache.cached_value(name, tags, lambda: section(unit, **params), unit_key, param_key)
