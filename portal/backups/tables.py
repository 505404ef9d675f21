"""Every table's row count and checksum, computed the same way on both sides of a restore.

Works on a plain DB-API connection (psycopg2 or sqlite3 without Django's type converters), so
the backup can checksum exactly what it archived: the snapshot pg_dump reads, or the SQLite
copy the online backup API made.

The checksum of a table is the SHA-256 of JSON lines: first the sorted column names, then every
row's values in that column order, rows ordered by primary key. Text keys are ordered in binary
("C") collation, so a restore onto a server with other locale rules orders them the same way.
Values are normalised: datetimes to UTC ISO 8601, decimals as written, bytes as hex, JSON
documents with sorted keys.
"""

import datetime
import decimal
import hashlib
import json

METHOD = (
    "sha256 over JSON lines: the sorted column names, then each row's values in that order, rows ordered by "
    "primary key (text in C collation); datetimes in UTC ISO 8601, decimals as text, bytes as hex"
)


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def _normalise(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | decimal.Decimal):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime.datetime):
        return (value.astimezone(datetime.UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return repr(value.total_seconds())
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple):
        return [_normalise(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _normalise(item) for key, item in value.items()}
    return str(value)  # UUID, inet, anything else the driver hands back: its text


def _line(values):
    return (json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()


class _Postgres:
    def tables(self, cursor):
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
        )
        return [row[0] for row in cursor.fetchall()]

    def order_by(self, cursor, table, columns):
        cursor.execute(
            "SELECT a.attname, a.attcollation <> 0 FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey::int2[], a.attnum)",
            [quote(table)],
        )
        key = cursor.fetchall()
        if key:
            return [quote(name) + (' COLLATE "C"' if collatable else "") for name, collatable in key]
        return [f'{quote(name)}::text COLLATE "C"' for name in columns]  # no key: every column

    def rows(self, connection, sql):
        # A server-side cursor: a table of millions of rows is streamed, not loaded.
        cursor = connection.cursor(name="portal_backup_checksum")
        cursor.itersize = 5000
        cursor.execute(sql)
        try:
            yield from cursor
        finally:
            cursor.close()


class _SQLite:
    def tables(self, cursor):
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
        return [row[0] for row in cursor.fetchall()]

    def order_by(self, cursor, table, columns):
        cursor.execute(f"PRAGMA table_info({quote(table)})")
        key = sorted((row[5], row[1]) for row in cursor.fetchall() if row[5])
        return [quote(name) for _position, name in key] or [quote(name) for name in columns]

    def rows(self, connection, sql):
        yield from connection.execute(sql)


VENDORS = {"postgresql": _Postgres(), "sqlite": _SQLite()}


def table_names(connection, vendor):
    return VENDORS[vendor].tables(connection.cursor())


def table_checksums(connection, vendor):
    """{table: {"rows": n, "sha256": hex}} for every table of the connection's schema."""
    flavour = VENDORS[vendor]
    cursor = connection.cursor()
    result = {}
    for table in flavour.tables(cursor):
        cursor.execute(f"SELECT * FROM {quote(table)} WHERE 1 = 0")
        columns = sorted(column[0] for column in cursor.description)
        order = ", ".join(flavour.order_by(cursor, table, columns))
        sql = f"SELECT {', '.join(quote(name) for name in columns)} FROM {quote(table)} ORDER BY {order}"
        digest, count = hashlib.sha256(_line(columns)), 0
        for row in flavour.rows(connection, sql):
            digest.update(_line([_normalise(value) for value in row]))
            count += 1
        result[table] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def applied_migrations(connection, vendor):
    """{app: [migration names]} from django_migrations (empty when the table is not there)."""
    cursor = connection.cursor()
    if "django_migrations" not in VENDORS[vendor].tables(cursor):
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def differences(expected, actual):
    """Human-readable lines for every table whose count or checksum differs, or is missing."""
    lines = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            lines.append(f"{table}: not in the backup")
        elif got is None:
            lines.append(f"{table}: missing ({want['rows']} rows expected)")
        elif want["rows"] != got["rows"]:
            lines.append(f"{table}: {got['rows']} rows, {want['rows']} expected")
        elif want["sha256"] != got["sha256"]:
            lines.append(f"{table}: {got['rows']} rows as expected, but their checksum differs")
    return lines
