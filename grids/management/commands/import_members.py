import resource
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from grids.models import Member
from grids.services import audit
from grids.services.members_import import BATCH_SIZE, import_workbook


class Command(BaseCommand):
    help = (
        "Import Party members from an .xlsx made from the template, as a given user (their scope "
        "decides which units are allowed). All rows or none; every bad row is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("workbook", help="Path of the .xlsx file.")
        parser.add_argument("--user", required=True, help="Username of the importer; their scope applies.")
        parser.add_argument("--dry-run", action="store_true", help="Check and write everything, then roll back.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--max-errors", type=int, default=50, help="How many bad rows to print.")

    def handle(self, *args, workbook, user, dry_run=False, batch_size=BATCH_SIZE, max_errors=50, **options):
        try:
            importer = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {user!r}.") from exc
        started = time.perf_counter()
        with transaction.atomic():
            result = import_workbook(workbook, user=importer, batch_size=batch_size)
            audit.record_import(Member, source=workbook, user=importer, result=result)
            # A refused workbook wrote nothing but its log of refused registrations: keep it.
            if dry_run and result.ok:
                transaction.set_rollback(True)
        elapsed = time.perf_counter() - started
        # ru_maxrss is in kilobytes on Linux.
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for error in result.errors[:max_errors]:
            self.stdout.write(f"row {error.row} · {error.column} · {error.message}")
        if len(result.errors) > max_errors:
            self.stdout.write(f"… and {len(result.errors) - max_errors} more")
        status = "rolled back (dry run)" if dry_run and result.ok else ("imported" if result.ok else "nothing imported")
        self.stdout.write(
            f"rows={result.rows} created={result.created} errors={len(result.errors)} {status} "
            f"seconds={elapsed:.1f} peak_rss_mb={peak_mb:.0f}"
        )
        if not result.ok:
            raise CommandError("The workbook has bad rows: nothing was imported.")
