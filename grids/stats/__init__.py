"""The grids app's sections of /open/stats.json, one module per topic: counts only, never a person."""

from .demands import demands_section
from .members import members_section
from .tree import units_section

__all__ = ["demands_section", "members_section", "units_section"]
