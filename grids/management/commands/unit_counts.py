"""Rebuild the counts each unit keeps of its own records, or check them.

    manage.py unit_counts            # recompute every count (after a restore or a bulk load)
    manage.py unit_counts --check    # report where they differ from a fresh count, change nothing

Every write through the ORM keeps them already (grids/services/unit_counts.py); this is for writes
that bypassed it, and a check that none did.
"""

from grids.models import UnitCount
from grids.services import unit_counts
from portal.core import kept


class Command(kept.RebuildCommand):
    help = "Recompute the counts each unit keeps of its own records (--check: only compare)."
    service, model = unit_counts, UnitCount
    what, source = "kept counts", "the records"

    def describe(self, key):
        group, unit, part = key
        return f"{group} {part or '-'} of unit {unit}"
