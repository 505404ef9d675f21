"""Query helpers that know no app: several counts and sums in one round trip."""

from decimal import Decimal

from django.db import connection


def count_many(querysets, *, sums=None):
    """{name: queryset} → {name: row count}, in one SELECT of scalar subqueries (public figures
    read several tables; one query instead of one per table keeps every page's count constant).

    `sums` {name: (queryset, field)} adds the sum of a two-decimal field (money in 元, hours) to
    the same SELECT: whole hundredths are summed, exact on SQLite too (see money.MoneySum), and
    come back as a Decimal with two places, 0.00 for no rows."""
    sums = sums or {}
    parts, params = [], []
    for queryset in querysets.values():
        sql, sub_params = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")
        params.extend(sub_params)
    for queryset, field in sums.values():
        sql, sub_params = queryset.order_by().values(field).query.sql_with_params()
        parts.append(f"(SELECT COALESCE(SUM(ROUND({field} * 100)), 0) FROM ({sql}) AS summed)")
        params.extend(sub_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    counts = dict(zip(querysets, (int(value) for value in row[: len(querysets)]), strict=True))
    hundredths = row[len(querysets) :]
    return counts | {name: Decimal(int(value)).scaleb(-2) for name, value in zip(sums, hundredths, strict=True)}


def more_than(queryset, limit):
    """Whether `queryset` holds more than `limit` rows, asked with LIMIT/OFFSET: the database
    reads at most limit + 1 rows, whatever the size of the table (a COUNT reads them all)."""
    return queryset.order_by()[limit : limit + 1].exists()
