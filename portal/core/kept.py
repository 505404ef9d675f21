"""Kept totals (derived rows such as the funnel's and the hours' totals): recomputed for the keys a
write touches, in the writing transaction, and replaced wholesale rather than upserted, so a key a
record just left drops out. Both services share the two steps here."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction


def lock(model, pks):
    """Serialise the writers of the same keys: lock the owning rows (FOR NO KEY UPDATE does not
    conflict with the key-share locks that inserting their children takes). No-op on SQLite,
    whose writers are serialised anyway."""
    if connection.features.has_select_for_update:
        list(model.objects.select_for_update(no_key=True).filter(pk__in=set(pks)).order_by("pk").values_list("pk"))


def replace(model, rows, where=None):
    """Delete the rows matching the Q `where` (every row when None), then insert `rows`. A plain
    DELETE, like the bulk insert: derived rows send no signal (no trail entry, no cache bump per
    row) and are not fetched first."""
    if where is None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    else:
        model.objects.filter(where)._raw_delete(connection.alias)
    model.objects.bulk_create(rows, batch_size=2000)


class RebuildCommand(BaseCommand):
    """`manage.py <totals> [--check]`: rebuild kept totals from their records (after a restore or a
    bulk load that bypassed the services), or only list where they differ (exit status 1). A
    command names its `service` (a module with refresh() and differences()), its `model`, what
    the totals are and what they are counted from, and how a key reads (`describe`)."""

    service = model = None
    what = source = ""

    def describe(self, key):
        return str(key)

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", "--dry-run", action="store_true", help="Compare with a fresh count, change nothing."
        )

    def handle(self, *args, check=False, **options):
        if check:
            differences = self.service.differences()
            for key, (kept, counted) in sorted(differences.items(), key=str):
                self.stdout.write(f"{self.describe(key)}: kept {kept}, counted {counted}")
            if differences:
                raise CommandError(f"{len(differences)} {self.what} differ from {self.source}.")
            self.stdout.write(f"The {self.what} agree with {self.source}.")
            return
        with transaction.atomic():
            self.service.refresh()
        self.stdout.write(f"{self.what[0].upper()}{self.what[1:]} rebuilt: {self.model.objects.count():,} rows.")
