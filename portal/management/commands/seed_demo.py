from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from centers import demo as centers_demo
from grids import demo as grids_demo
from projects import demo as projects_demo

# Each app contributes one seeder, run in this order (later ones use earlier ones' data).
SEEDERS = [
    grids_demo.seed,
    centers_demo.seed,
    projects_demo.seed,
]


class Command(BaseCommand):
    help = "Load the demo district (Futian, shared/domain/000). Deterministic and idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like production. Use --force to load demo data anyway.")
        for seeder in SEEDERS:
            seeder(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo district ready. Demo accounts use the password Demo@2026."))
