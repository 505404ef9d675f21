"""The two workflows the commands run: make a backup, restore one (or only check it)."""

import importlib.metadata
import os
import tempfile
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from portal.core import personal_store

from . import archive, databases, tables
from .databases import DUMP_NAMES, BackupError

# A keyed hash of a fixed text: equal on restore only if the same personal-data key is set.
# It reveals no more about the key than the fingerprints already stored in every member row.
KEY_CHECK_TEXT = "partyportal backup: personal-data key check"


def app_version():
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        try:
            return importlib.metadata.version("partyportal")
        except importlib.metadata.PackageNotFoundError:
            return "unknown"


def create(*, alias, output_dir):
    """Back up the database of `alias` and MEDIA_ROOT into a new dated archive; returns
    (path, manifest). The archive is read back and checked before it gets its final name."""
    vendor = databases.vendor_of(alias)
    output_dir = Path(output_dir)
    if output_dir.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        # Media is served to the public: an archive there could be downloaded, and the next
        # backup would contain the previous ones.
        raise BackupError(f"{output_dir} is inside MEDIA_ROOT; keep backups out of the served media.")
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / f"backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar"
    if target.exists():
        raise BackupError(f"{target} exists already; a backup never overwrites another.")
    partial = target.with_name(target.name + ".partial")
    created_at = datetime.now(UTC)
    try:
        with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as work:
            dump_file = Path(work, DUMP_NAMES[vendor])
            database = databases.dump(alias, dump_file)
            manifest = {
                "format": archive.FORMAT,
                "format_version": archive.FORMAT_VERSION,
                "created_at": created_at.isoformat(timespec="seconds"),
                "app_version": app_version(),
                "database": {key: database[key] for key in ("vendor", "server_version", "dump_tool")},
                "migrations": database["migrations"],
                "tables": database["tables"],
                "checksum_method": tables.METHOD,
                "personal_data_key_check": personal_store.fingerprint(KEY_CHECK_TEXT),
            }
            archive.write(partial, dump_file=dump_file, media_root=settings.MEDIA_ROOT, manifest=manifest)
        with archive.Archive(partial) as written:
            problems = written.verify()
        if problems:
            raise BackupError("The archive just written does not read back:\n  " + "\n  ".join(problems))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target, manifest


def describe(manifest):
    database = manifest["database"]
    rows = sum(table["rows"] for table in manifest["tables"].values())
    return (
        f"{database['vendor']} {database['server_version']}, {len(manifest['tables'])} tables, {rows:,} rows, "
        f"{len(manifest['media'])} media files; made {manifest['created_at']} by portal {manifest['app_version']}"
    )


class Restore:
    """Restore an archive into the empty database of `alias` and MEDIA_ROOT, then verify both
    against the manifest. `say(text)` and `warn(text)` report progress; errors raise BackupError."""

    def __init__(self, path, *, alias, media_root, say, warn):
        self.path, self.alias, self.media_root = Path(path), alias, Path(media_root)
        self.say, self.warn = say, warn

    def run(self, *, dry_run=False):
        with archive.Archive(self.path) as source:
            manifest = source.manifest
            self.say(f"Archive {self.path}: {describe(manifest)}.")
            with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
                dump_file = Path(work, manifest["database"]["file"])
                self._check_archive(source, dump_file)
                if dry_run:
                    self.say("Dry run: nothing was restored.")
                    return
                self._refuse_unless_empty(source)
                databases.restore(self.alias, dump_file)
            written, present = source.restore_media(self.media_root)
            self.say(f"Restored the database and {written} media files ({present} were already in place).")
            self._verify(manifest, source)
        self._report_migrations(manifest["migrations"])

    def _check_archive(self, source, dump_file):
        manifest = source.manifest
        problems = source.verify(dump_to=dump_file)
        problems = problems or databases.check_dump(source.vendor, dump_file, manifest["tables"])
        if problems:
            raise BackupError(f"{self.path} is damaged; nothing was restored:\n  " + "\n  ".join(problems))
        self.say(f"Archive verified: the database dump and {len(manifest['media'])} media files match the manifest.")
        if manifest.get("personal_data_key_check") != personal_store.fingerprint(KEY_CHECK_TEXT):
            self.warn(
                "The personal-data key configured here is not the one this backup was made with: its ID-card "
                "and mobile numbers will not decrypt until the backup's key is configured."
            )

    def _refuse_unless_empty(self, source):
        target_vendor = databases.vendor_of(self.alias)
        if source.vendor != target_vendor:
            raise BackupError(f"The archive holds a {source.vendor} database; the target is {target_vendor}.")
        relations, rows, migrations = databases.contents(self.alias)
        name = connections[self.alias].settings_dict["NAME"]
        if relations:
            holding = [table for table, has_rows in rows.items() if has_rows]
            shown = f" ({', '.join(holding[:5])}{', …' if len(holding) > 5 else ''})" if holding else ""
            others = f" and {relations - len(rows)} views, sequences or indexes" if relations > len(rows) else ""
            raise BackupError(
                f'Refusing to restore into "{name}": it is not empty. It has {len(rows)} tables{others}, '
                f"{migrations} applied migrations, {len(holding)} tables holding rows{shown}. Nothing was changed.\n"
                "Restore only into a new, empty database, one where not even `migrate` has run (the archive "
                "brings its own schema and migration history): create one (PostgreSQL: createdb; SQLite: a new "
                "file name), point DATABASE_URL at it and run restore again."
            )
        conflicts = source.media_conflicts(self.media_root)
        if conflicts:
            raise BackupError(
                f"Refusing to restore: {len(conflicts)} media files would overwrite different files in "
                f"{self.media_root} (e.g. {conflicts[0]}). Restore into an empty MEDIA_ROOT. Nothing was changed."
            )

    def _verify(self, manifest, source):
        restored = databases.describe(self.alias)
        problems = tables.differences(manifest["tables"], restored["tables"])
        if restored["migrations"] != manifest["migrations"]:
            problems.append("django_migrations: the applied migrations differ from the manifest")
        problems += source.media_differences(self.media_root)
        if problems:
            raise BackupError(
                "Restore finished but verification FAILED; do not use this database:\n  " + "\n  ".join(problems)
            )
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.say(
            f"Verified {len(manifest['tables'])} tables ({rows:,} rows) and {len(manifest['media'])} media files: "
            "every row count and checksum equals the manifest."
        )

    def _report_migrations(self, applied):
        applied = {(app, name) for app, names in applied.items() for name in names}
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        unknown, pending = sorted(applied - known), sorted(known - applied)
        if unknown:
            self.warn(
                f"The backup comes from a newer version of the portal: {len(unknown)} applied migrations are not in "
                f"this code (e.g. {unknown[0][0]}.{unknown[0][1]}). Deploy that version before using the database."
            )
        elif pending:
            self.say(f"{len(pending)} migrations of this code are not applied yet: run `manage.py migrate`.")
        else:
            self.say("Every migration of this code is applied: `manage.py migrate --check` passes.")
