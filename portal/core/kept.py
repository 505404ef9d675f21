"""Kept totals (derived rows such as the funnel's and the hours' totals): recomputed for the keys a
write touches, in the writing transaction, and replaced wholesale rather than upserted, so a key a
record just left drops out. Both services share the two steps here."""

from django.db import connection


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
