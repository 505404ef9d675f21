from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from centers import demo as centers_demo
from grids import demo as grids_demo
from grids.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from grids.services import accounts as account_services
from grids.services import unit_counts
from projects import demo as projects_demo

# Each app contributes one seeder, run in this order (later ones use earlier ones' data).
SEEDERS = [
    grids_demo.seed,
    centers_demo.seed,
    projects_demo.seed,
]


class Command(BaseCommand):
    help = (
        "Load the demo district (Futian, shared/domain/000). Deterministic and idempotent. Only into an empty "
        "database or one that holds the demo already; with DEBUG off only with --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like production. Use --force to load demo data anyway.")
        foreign = grids_demo.foreign_data()
        if foreign:
            raise CommandError(
                "This database holds data that is not the demo's: "
                + "; ".join(foreign)
                + ". seed_demo only fills an empty database or the demo's own; nothing was changed."
            )
        User = get_user_model()
        demo_names = [username for username, _unit, _role in DEMO_ACCOUNTS]
        existing = set(User.objects.filter(username__in=demo_names).values_list("username", flat=True))
        for seeder in SEEDERS:
            seeder(stdout=self.stdout)
        unit_counts.refresh()  # the seeders insert in bulk, which sends no signal
        created = list(User.objects.filter(username__in=demo_names).exclude(username__in=existing).order_by("pk"))
        if settings.DEBUG:
            self.stdout.write(
                self.style.SUCCESS(f"Demo district ready. Demo accounts use the password {DEMO_PASSWORD}.")
            )
            return
        # Production settings: the demo password is published in the README. Say which accounts
        # carry it and make each choose its own password at its first login.
        account_services.require_password_change(created)
        self.stdout.write(self.style.SUCCESS("Demo district ready."))
        if not created:
            self.stdout.write("No account was created.")
            return
        self.stdout.write(self.style.WARNING(f"Created these accounts with the published password {DEMO_PASSWORD}:"))
        for user in created:
            self.stdout.write(f"  {user.username}{' (superuser)' if user.is_superuser else ''}")
        self.stdout.write(
            self.style.WARNING(
                "Change their passwords now (manage.py changepassword USERNAME): each must choose a new one at its "
                "first login, and anyone who has read the README knows the present one."
            )
        )
