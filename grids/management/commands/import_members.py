import resource
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from grids.models import Category, Member
from grids.services import audit
from grids.services.members_import import BATCH_SIZE, import_workbook


class Command(BaseCommand):
    help = (
        "Import Party members from a roster (.xlsx, .xls or .csv: the template, an edited export or a "
        "全国党员管理信息系统 export) as a given user (their scope decides which units and members are "
        "allowed), with the same rules as the web import. All rows or none; prints the preview and every problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("workbook", help="Path of the roster.")
        parser.add_argument("--user", required=True, help="Username of the importer; their scope applies.")
        parser.add_argument(
            "--category",
            choices=[value for value, _label in Category.choices],
            default=Category.REGISTERED,
            help="Category of the rows when the roster has no 党员类别 column (default: registered, 在册).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything and print the preview; write nothing."
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--max-errors", type=int, default=50, help="How many problems to print.")

    def _preview(self, result):
        write = self.stdout.write
        write(f"header row: {result.header_row}")
        write("columns understood: " + ", ".join(f"{written} → {field}" for written, field in result.understood))
        write("columns ignored: " + (", ".join(result.ignored) or "none"))
        if result.category_asked:
            write(f"no category column: new members are recorded as {Category(result.category).label} (--category)")
        for sample in result.sample:
            write(f"row {sample['row']}: " + " · ".join(f"{name}={value}" for name, value in sample["cells"]))
        for change in result.changes:
            fields = "; ".join(f"{name}: {old or '—'} → {new or '—'}" for name, old, new in change["fields"])
            write(f"change row {change['row']} {change['name']}: {fields}")

    def handle(self, *args, workbook, user, category, dry_run=False, batch_size=BATCH_SIZE, max_errors=50, **options):
        try:
            importer = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {user!r}.") from exc
        started = time.perf_counter()
        with transaction.atomic():
            result = import_workbook(workbook, user=importer, category=category, dry_run=dry_run, batch_size=batch_size)
            if not dry_run:
                audit.record_import(Member, source=workbook, user=importer, result=result)
        elapsed = time.perf_counter() - started
        # ru_maxrss is in kilobytes on Linux.
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self._preview(result)
        for error in result.errors[:max_errors]:
            self.stdout.write(f"row {error.row} · {error.column or '—'} · {error.message}")
        if len(result.errors) > max_errors:
            self.stdout.write(f"… and {len(result.errors) - max_errors} more")
        status = "nothing written (dry run)" if dry_run else ("imported" if result.ok else "nothing imported")
        self.stdout.write(
            f"rows={result.rows} new={result.created} changed={result.updated} unchanged={result.unchanged} "
            f"problems={len(result.errors)} {status} seconds={elapsed:.1f} peak_rss_mb={peak_mb:.0f}"
        )
        if not result.ok:
            raise CommandError("The roster has problems: nothing was imported.")
