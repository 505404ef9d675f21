from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from portal.backups import operations
from portal.backups.databases import BackupError


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump -Fc; SQLite: the online backup API) and the media files "
        "into one dated archive with a manifest of row counts and checksums. Personal data stays encrypted; "
        "the personal-data key is not in the archive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", type=Path, default=None, help="Folder for the archive (default: BACKUP_DIR, backups/)."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to back up.")

    def handle(self, *args, output_dir=None, database=DEFAULT_DB_ALIAS, **options):
        try:
            path, manifest = operations.create(alias=database, output_dir=output_dir or settings.BACKUP_DIR)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size
        self.stdout.write(f"{operations.describe(manifest)}.")
        self.stdout.write(self.style.SUCCESS(f"Backup written and read back: {path} ({size:,} bytes)."))
