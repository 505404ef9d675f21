"""Query helpers that know no app: several counts in one round trip."""

from django.db import connection


def count_many(querysets):
    """{name: queryset} → {name: row count}, in one SELECT of scalar subqueries (public figures
    read several tables; one query instead of one per table keeps every page's count constant)."""
    parts, params = [], []
    for queryset in querysets.values():
        sql, sub_params = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")
        params.extend(sub_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, (int(value) for value in row), strict=True))
