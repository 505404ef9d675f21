from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from portal.backups.databases import BackupError
from portal.backups.operations import Restore


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup` into an EMPTY database (a new one on which not even "
        "migrate has run) and MEDIA_ROOT, then check every table's row count and checksum and every media "
        "file against the manifest. --dry-run checks the archive only."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The backup-….tar file.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to restore into.")
        parser.add_argument("--dry-run", action="store_true", help="Check the archive; restore nothing.")

    def handle(self, *args, archive, database=DEFAULT_DB_ALIAS, dry_run=False, **options):
        restore = Restore(
            archive,
            alias=database,
            media_root=settings.MEDIA_ROOT,
            say=self.stdout.write,
            warn=lambda text: self.stderr.write(self.style.WARNING(f"Warning: {text}")),
        )
        try:
            restore.run(dry_run=dry_run)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
