"""Rebuild the kept totals of the 民生微实事 funnel from the projects, or check them.

    manage.py funnel_totals            # recompute every total (after a restore or a bulk load)
    manage.py funnel_totals --check    # report where they differ from a fresh count, change nothing

Every write through the ORM keeps them already (projects/services/funnel.py); this is for writes
that bypassed it, and a check that none did.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects.models import MicroFunnelTotal
from projects.services import funnel


class Command(BaseCommand):
    help = "Recompute the micro-project funnel's kept totals from the projects (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", "--dry-run", action="store_true", help="Compare with a fresh count, change nothing."
        )

    def handle(self, *args, check=False, **options):
        if check:
            differences = funnel.differences()
            for (community, year, status, category), (kept, counted) in sorted(differences.items()):
                self.stdout.write(
                    f"community {community}, {year}, {status}, {category}: kept {kept}, counted {counted}"
                )
            if differences:
                raise CommandError(f"{len(differences)} funnel totals differ from the projects.")
            self.stdout.write("The funnel totals agree with the projects.")
            return
        with transaction.atomic():
            funnel.refresh()
        self.stdout.write(f"Funnel totals rebuilt: {MicroFunnelTotal.objects.count():,} rows.")
