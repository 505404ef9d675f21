"""The public aggregate figures of /open/stats.json: counts and sums only, never a person.

Each app contributes one section, a function of the unit (or None for the whole portal).
Add a section by appending to SECTIONS.
"""

from centers.stats import centers_section
from grids.stats import demands_section, members_section, units_section
from projects.stats import micro_section, volunteering_section

SECTIONS = [
    ("units", units_section),
    ("centers", centers_section),
    ("members", members_section),
    ("volunteering", volunteering_section),
    ("micro_projects", micro_section),
    ("demands", demands_section),
]


def build(unit=None, **params):
    return {name: section(unit, **params) for name, section in SECTIONS}
