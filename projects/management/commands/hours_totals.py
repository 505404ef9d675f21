"""Rebuild the kept hours per service project and month from the service records, or check them.

    manage.py hours_totals            # recompute every total (after a restore or a bulk load)
    manage.py hours_totals --check    # report where they differ from a fresh count, change nothing

Every write through the ORM keeps them already (projects/services/hours.py); this is for writes
that bypassed it, and a check that none did.
"""

from portal.core import kept
from projects.models import ServiceHoursTotal
from projects.services import hours


class Command(kept.RebuildCommand):
    help = "Recompute the kept hours per service project and month from the records (--check: only compare)."
    service, model = hours, ServiceHoursTotal
    what, source = "hours totals", "the service records"

    def describe(self, key):
        project, month = key
        return f"project {project}, {month:%Y-%m}"
