"""Rebuild the kept totals of the 民生微实事 funnel from the projects, or check them.

    manage.py funnel_totals            # recompute every total (after a restore or a bulk load)
    manage.py funnel_totals --check    # report where they differ from a fresh count, change nothing

Every write through the ORM keeps them already (projects/services/funnel.py); this is for writes
that bypassed it, and a check that none did.
"""

from portal.core import kept
from projects.models import MicroFunnelTotal
from projects.services import funnel


class Command(kept.RebuildCommand):
    help = "Recompute the micro-project funnel's kept totals from the projects (--check: only compare)."
    service, model = funnel, MicroFunnelTotal
    what, source = "funnel totals", "the projects"

    def describe(self, key):
        community, year, status, category = key
        return f"community {community}, {year}, {status}, {category}"
