"""Dumping and restoring the database itself: PostgreSQL through pg_dump/pg_restore, SQLite
through its online backup API. Both sides are read with plain DB-API connections
(`raw_connection`) so the checksums of `tables.py` see the same values.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing, contextmanager
from pathlib import Path

from django.db import connections

from . import tables

DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """Something an operator must fix; the message says what."""


def vendor_of(alias):
    vendor = connections[alias].vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def raw_connection(alias):
    """A new DB-API connection to the database of `alias`, outside Django's connection handling."""
    django_connection = connections[alias]
    wrapper = type(django_connection)(django_connection.settings_dict, alias)
    try:
        if wrapper.vendor == "sqlite":
            # Not Django's own connect: its converters would turn text columns into Python types.
            return sqlite3.connect(str(wrapper.settings_dict["NAME"]), uri=True)
        return wrapper.get_new_connection(wrapper.get_connection_params())
    except wrapper.Database.Error as exc:
        name = wrapper.settings_dict["NAME"]
        raise BackupError(f'Cannot connect to the database "{name}" (create it first): {exc}'.strip()) from exc


# --- PostgreSQL tools ----------------------------------------------------------------------


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not on PATH. Install the PostgreSQL client of the server's major version or newer "
            "(Debian: apt-get install postgresql-client)."
        )
    return path


def _run(args, alias=None):
    env = None
    if alias is not None:
        settings_dict = connections[alias].settings_dict
        # Django's dbshell knows how settings map to libpq (password, service, SSL files) and
        # passes the password in the environment, not on the command line where `ps` shows it.
        _psql, extra = connections[alias].client.settings_to_cmd_args_env(settings_dict, [])
        env = {**os.environ, **(extra or {})}
        args = [*args, *_libpq_args(settings_dict)]
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed:\n{done.stderr.strip()}")
    return done.stdout


def _libpq_args(settings_dict):
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER"), ("--dbname", "NAME")):
        if settings_dict.get(key):
            args.append(f"{flag}={settings_dict[key]}")
    return args


def _major(version_text):
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    return int(match.group(1)) if match else 0


def _pg_dump(alias, snapshot, target):
    pg_dump = _tool("pg_dump")
    tool_version = _run([pg_dump, "--version"]).strip()
    with closing(raw_connection(alias)) as probe:
        cursor = probe.cursor()
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    if _major(tool_version.rsplit(" ", 1)[-1]) < _major(server_version):
        raise BackupError(f"{tool_version} cannot dump a PostgreSQL {server_version} server: install a newer client.")
    _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], alias)
    return {"server_version": server_version, "dump_tool": tool_version}


# --- Dump --------------------------------------------------------------------------------


def dump(alias, target):
    """Write the database of `alias` to the file `target`.

    Returns the manifest's database part: vendor, versions, applied migrations and every
    table's count and checksum, all read from the same snapshot as the dump itself.
    """
    vendor = vendor_of(alias)
    if vendor == "postgresql":
        with closing(raw_connection(alias)) as connection:
            # One snapshot for pg_dump and for our checksums: writes made during the backup
            # are in neither, so the manifest describes exactly what the dump holds.
            cursor = connection.cursor()
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            info = _pg_dump(alias, cursor.fetchone()[0], target)
            info.update(_describe(connection, vendor))
            connection.rollback()
    else:
        source = connections[alias]
        source.ensure_connection()
        with closing(sqlite3.connect(target)) as copy:
            source.connection.backup(copy)  # one step: a consistent copy, even while others write
            info = {"server_version": sqlite3.sqlite_version, "dump_tool": "sqlite3 online backup API"}
            info.update(_describe(copy, vendor))
    return {"vendor": vendor, **info}


def _describe(connection, vendor):
    return {
        "migrations": tables.applied_migrations(connection, vendor),
        "tables": tables.table_checksums(connection, vendor),
    }


# --- Checking a dump without restoring it ---------------------------------------------------


def check_dump(vendor, path, expected_tables):
    """Problems found in a dump file: a readable PostgreSQL archive with data for every table of
    the manifest, or an intact SQLite file whose tables match the manifest row for row."""
    if vendor == "postgresql":
        listing = _run([_tool("pg_restore"), "--list", str(path)])
        with_data = set(re.findall(r"^\d+; \d+ \d+ TABLE DATA \S+ (\S+) ", listing, flags=re.MULTILINE))
        return [f"{table}: no data in the dump" for table in sorted(set(expected_tables) - with_data)]
    with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as copy:
        status = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            return [f"the SQLite file is damaged: {status}"]
        return tables.differences(expected_tables, tables.table_checksums(copy, "sqlite"))


# --- Restore --------------------------------------------------------------------------------


def contents(alias):
    """What the target database already holds: (relations, {table: holds rows}, applied migrations)."""
    vendor = vendor_of(alias)
    with closing(raw_connection(alias)) as connection:
        cursor = connection.cursor()
        if vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
            )
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        relations = cursor.fetchone()[0]
        rows = {}
        for table in tables.table_names(connection, vendor):
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {tables.quote(table)})")  # not count(*): may be huge
            rows[table] = bool(cursor.fetchone()[0])
        migrations = sum(len(names) for names in tables.applied_migrations(connection, vendor).values())
        if vendor == "postgresql":
            connection.rollback()
    return relations, rows, migrations


def restore(alias, path):
    """Load the dump file into the (empty) database of `alias`: all of it or, on error, nothing."""
    vendor = vendor_of(alias)
    connections[alias].close()  # Django's own connection reconnects afterwards and sees the new schema
    if vendor == "postgresql":
        # --no-owner/--no-privileges: the restoring role owns everything, whoever made the dump.
        _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(path)], alias)  # fmt: skip
        with _committing(alias) as connection:
            connection.cursor().execute("ANALYZE")  # pg_restore leaves the planner without statistics
    else:
        with closing(sqlite3.connect(str(path))) as source, closing(raw_connection(alias)) as target:
            source.backup(target)


@contextmanager
def _committing(alias):
    with closing(raw_connection(alias)) as connection:
        yield connection
        connection.commit()


def describe(alias):
    """The restored side of the comparison: applied migrations and every table's checksum."""
    vendor = vendor_of(alias)
    with closing(raw_connection(alias)) as connection:
        result = _describe(connection, vendor)
        if vendor == "postgresql":
            connection.rollback()
    return result
