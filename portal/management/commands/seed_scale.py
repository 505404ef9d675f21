"""`manage.py seed_scale --factor N`: a district's data times N on top of the demo, for the
benchmark (bench/public_pages.py). Deterministic, bulk inserts in batches, additive."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from grids.demo import scale as grids_scale
from grids.models import Level, Unit
from grids.services import unit_counts
from portal.core import pagecache
from projects.demo import scale as projects_scale


class Command(BaseCommand):
    help = (
        "Add a district's data times --factor on top of the demo (1×: 1,112 building groups, 103,000 members, "
        "21,800 micro-projects, 100,000 service records). For benchmarks only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, default=1, help="times a district's data (default 1)")
        parser.add_argument("--dry-run", action="store_true", help="write everything, then roll it back")

    def handle(self, *args, factor, dry_run=False, **options):
        if factor < 1 or factor > 100:
            raise CommandError("--factor must be between 1 and 100.")
        if not Unit.objects.filter(level=Level.DISTRICT).exists():
            raise CommandError("Run seed_demo first: the scale data hangs on the demo district.")
        with transaction.atomic():
            grids_scale.seed_buildings(factor, self.stdout)
            grids_scale.seed_members(factor, self.stdout)
            projects_scale.seed_micro(factor, self.stdout)
            projects_scale.seed_volunteering(factor, self.stdout)
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write("dry run: rolled back")
                return
            # Bulk inserts send no model signal: count the units' records again, and retire every
            # cached public page and figure.
            unit_counts.refresh()
            pagecache.bump("grids", "centers", "projects", *(label for label in _all_labels()))


def _all_labels():
    from django.apps import apps

    for app in ("grids", "centers", "projects"):
        for model in apps.get_app_config(app).get_models():
            yield model._meta.label_lower
