"""Rebuild the kept hours per service project and month from the service records, or check them.

    manage.py hours_totals            # recompute every total (after a restore or a bulk load)
    manage.py hours_totals --check    # report where they differ from a fresh count, change nothing

Every write through the ORM keeps them already (projects/services/hours.py); this is for writes
that bypassed it, and a check that none did.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects.models import ServiceHoursTotal
from projects.services import hours


class Command(BaseCommand):
    help = "Recompute the kept hours per service project and month from the records (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", "--dry-run", action="store_true", help="Compare with a fresh count, change nothing."
        )

    def handle(self, *args, check=False, **options):
        if check:
            differences = hours.differences()
            for (project, month), (kept, counted) in sorted(differences.items()):
                self.stdout.write(f"project {project}, {month:%Y-%m}: kept {kept}, counted {counted}")
            if differences:
                raise CommandError(f"{len(differences)} hours totals differ from the service records.")
            self.stdout.write("The hours totals agree with the service records.")
            return
        with transaction.atomic():
            hours.refresh()
        self.stdout.write(f"Hours totals rebuilt: {ServiceHoursTotal.objects.count():,} rows.")
