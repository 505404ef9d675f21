"""Delete audit entries (and django-axes' login logs) older than DAYS, in batches.

    manage.py purge_audit --older-than 365 [--dry-run] [--batch-size 5000]

The only way entries go: DAYS below AUDIT_MIN_RETENTION_DAYS (180, MLPS 2.0 keeps audit
records at least six months) is refused, and nothing is deleted.
"""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from grids.models import AuditEntry

# What the command purges: each model with its time column.
TRAILS = [
    (AuditEntry, "timestamp"),
    (AccessLog, "attempt_time"),
    (AccessFailureLog, "attempt_time"),
    (AccessAttempt, "attempt_time"),
]


def minimum_days():
    return max(180, int(getattr(settings, "AUDIT_MIN_RETENTION_DAYS", 180)))


class Command(BaseCommand):
    help = "Delete audit entries and login logs older than --older-than DAYS (at least 180)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS")
        parser.add_argument("--dry-run", action="store_true", help="Count what would go, delete nothing.")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, older_than, dry_run=False, batch_size=5000, **options):
        if older_than < minimum_days():
            raise CommandError(
                f"--older-than must be at least {minimum_days()} days: audit entries are kept that long."
            )
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        cutoff = timezone.now() - timedelta(days=older_than)
        for model, column in TRAILS:
            old = model._default_manager.filter(**{f"{column}__lt": cutoff})
            if dry_run:
                self.stdout.write(
                    f"{model._meta.label}: {old.count()} would be deleted (before {cutoff:%Y-%m-%d %H:%M})"
                )
                continue
            deleted = 0
            while True:
                with transaction.atomic():
                    pks = list(old.order_by("pk").values_list("pk", flat=True)[:batch_size])
                    if not pks:
                        break
                    deleted += model._default_manager.filter(pk__in=pks)._raw_delete(model._default_manager.db)
            self.stdout.write(f"{model._meta.label}: {deleted} deleted (before {cutoff:%Y-%m-%d %H:%M})")
