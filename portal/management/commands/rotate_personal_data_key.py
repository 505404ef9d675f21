from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from portal.core import personal_store
from portal.core.personal_fields import personal_numbers
from portal.core.personal_rotation import DEFAULT_BATCH_SIZE, rotate


def _positive(value):
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Re-encrypt and re-fingerprint every stored personal number (ID-card and mobile numbers of "
        "every model) with the newest key of PERSONAL_DATA_KEYS, in batches, one transaction each. "
        "Put the new key first in PERSONAL_DATA_KEYS (keeping the old ones after it), restart the "
        "portal, run this; when it reports nothing left, the old keys can be removed. Safe to run "
        "again: values already under the newest key are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=_positive, default=DEFAULT_BATCH_SIZE, help="Rows per batch and transaction."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change and try every decryption; write nothing."
        )

    def handle(self, *args, batch_size=DEFAULT_BATCH_SIZE, dry_run=False, **options):
        try:
            ring, _by_id = personal_store.keyring()
        except personal_store.PersonalDataKeyError as exc:
            raise CommandError(str(exc)) from exc
        newest, older = ring[0].id, [key.id for key in ring[1:]]
        self.stdout.write(f"newest key {newest}; older keys {', '.join(older) or 'none'}")
        failures = rows = 0
        for model in apps.get_models():
            names = list(personal_numbers(model))
            if not names:
                continue
            outcome = rotate(model, names, batch_size=batch_size, dry_run=dry_run, stop_on_error=False)
            rows += outcome.rows
            failures += len(outcome.failed)
            done = f"{outcome.rows} to re-encrypt" if dry_run else f"{outcome.changed} re-encrypted"
            self.stdout.write(f"{outcome.model} ({', '.join(names)}): {done}")
            for pk, message in outcome.failed[:20]:
                self.stdout.write(f"  #{pk}: {message}")
            if len(outcome.failed) > 20:
                self.stdout.write(f"  … and {len(outcome.failed) - 20} more")
        if failures:
            raise CommandError(
                f"{failures} rows could not be decrypted with the configured keys and were left as they are: "
                "add the key they name to PERSONAL_DATA_KEYS and run again."
            )
        if dry_run:
            self.stdout.write(f"dry run: {rows} rows would be re-encrypted; nothing written")
        else:
            self.stdout.write(self.style.SUCCESS(f"done: every personal number is under key {newest}"))
