"""Backups that restore (issue 16, section 6): the demo backed up, restored into a new empty
database, and found equal table for table; non-empty targets and damaged archives refused."""

import importlib
import io
import json
import secrets
import stat
import tarfile
from contextlib import closing

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from PIL import Image

from centers.models import Center, Photo
from centers.services.centers import add_photo
from grids.models import Level, Member, Unit
from portal.backups import databases, tables
from portal.core.personal import validate_id_card
from tests.factory import make_tree, make_unit
from tests.factory_centers import make_center
from tests.factory_members import make_member

# Data must be committed: pg_dump is another process, the checksums another connection.
pytestmark = pytest.mark.django_db(transaction=True)

TARGET = "restore_target"


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore round trip: needs PostgreSQL (the SQLite round trip is its own test)")


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite online-backup round trip: runs on the SQLite suite")


@pytest.fixture
def target(tmp_path):
    """A new, empty database as the alias "restore_target": on the same PostgreSQL server
    (portal_restore_<random>, dropped afterwards) or a new SQLite file."""
    default = connections["default"]
    postgres = default.vendor == "postgresql"
    name = f"portal_restore_{secrets.token_hex(4)}" if postgres else str(tmp_path / "restored.sqlite3")
    if postgres:
        _server(f'CREATE DATABASE "{name}"')
    # A connection made here, not an alias in settings: Django's test case allows only the
    # databases it set up, except connections created while the test runs.
    connections[TARGET] = type(default)({**default.settings_dict, "NAME": name}, TARGET)
    yield TARGET
    connections[TARGET].close()
    del connections[TARGET]
    if postgres:
        _server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _server(sql):
    import psycopg2

    default = connections["default"].settings_dict
    with closing(
        psycopg2.connect(
            dbname="postgres",
            user=default["USER"],
            password=default["PASSWORD"],
            host=default["HOST"],
            port=default["PORT"],
        )
    ) as admin:
        admin.autocommit = True
        admin.cursor().execute(sql)


def jpeg(name="门口.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (176, 28, 28)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def seed_demo_with_photos(settings):
    # The standard services come from a data migration, and an earlier transactional test's flush
    # removed them (serialized_rollback clashes with the content types that flush recreates).
    importlib.import_module("centers.migrations.0002_standard_services").add(apps, None)
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    for center in Center.objects.order_by("pk")[:2]:
        add_photo(center=center, upload=jpeg(), caption="门口")


def backup(tmp_path):
    call_command("backup", output_dir=tmp_path / "backups", stdout=io.StringIO())
    (path,) = (tmp_path / "backups").glob("backup-*.tar")
    return path


def restore(path, alias, *flags):
    out, err = io.StringIO(), io.StringIO()
    call_command("restore", str(path), *flags, database=alias, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def checksums(alias):
    with closing(databases.raw_connection(alias)) as raw:
        return tables.table_checksums(raw, connections[alias].vendor)


def manifest_of(path):
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile("manifest.json"))


def rewrite(path, change):
    """Rewrite the archive in place with change(name, data) applied to every member's bytes."""
    with tarfile.open(path) as tar:
        members = [(member, tar.extractfile(member).read()) for member in tar.getmembers()]
    with tarfile.open(path, "w") as tar:
        for member, data in members:
            data = change(member.name, data)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


def every_row(alias):
    """Every row of every model (auto-created many-to-many tables too), through the ORM."""
    return {
        model._meta.label: list(model._base_manager.using(alias).order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


# --- The round trip -------------------------------------------------------------------------


def round_trip(settings, tmp_path, target):
    seed_demo_with_photos(settings)
    source_media = settings.MEDIA_ROOT
    path = backup(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # password hashes and encrypted numbers inside

    manifest = manifest_of(path)
    source = checksums("default")
    assert manifest["tables"] == source
    assert manifest["tables"]["grids_member"]["rows"] == Member.objects.count() > 1000
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["migrations"]["grids"][0] == "0001_unit_tree"
    photos = [name for photo in Photo.objects.all() for name in (photo.image.name, photo.thumbnail.name)]
    assert sorted(manifest["media"]) == sorted(photos) and len(photos) == 4

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    out, err = restore(path, target)
    assert f"Verified {len(source)} tables ({sum(t['rows'] for t in source.values()):,} rows) and 4 media files" in out
    assert err == ""

    # Equal by the manifest's own measure, and by an independent one: every row through the ORM.
    assert checksums(target) == source
    assert every_row(target) == every_row("default")
    for name in photos:
        assert (settings.MEDIA_ROOT / name).read_bytes() == (source_media / name).read_bytes()

    # Personal data came back encrypted and decrypts with the key, read through the restored database.
    original = Member.objects.order_by("pk").last()
    restored = Member.objects.using(target).get(pk=original.pk)
    assert restored.id_card_encrypted == original.id_card_encrypted
    assert original.id_card_masked[:4] not in restored.id_card_encrypted
    number = restored.reveal_id_card()
    assert number == original.reveal_id_card() and len(number) == 18
    validate_id_card(number)

    # The restored database is a working copy: new rows get new keys (sequences came back too).
    new_user = get_user_model().objects.using(target).create(username="after-restore")
    assert new_user.pk > get_user_model().objects.order_by("pk").last().pk
    return out


@pytest.mark.postgres
def test_postgres_backup_of_the_demo_restores_into_a_new_database_table_for_table(
    postgres_only, target, settings, tmp_path
):
    out = round_trip(settings, tmp_path, target)
    assert "manage.py migrate --check` passes" in out


def test_sqlite_backup_of_the_demo_restores_into_a_new_file_table_for_table(sqlite_only, target, settings, tmp_path):
    round_trip(settings, tmp_path, target)
    assert (tmp_path / "restored.sqlite3").stat().st_size > 1_000_000


@pytest.mark.postgres
def test_a_write_during_the_backup_is_in_neither_the_dump_nor_the_manifest(
    postgres_only, target, settings, tmp_path, monkeypatch
):
    tree = small_site(settings)
    real_pg_dump = databases._pg_dump

    def dump_then_write(*args):
        info = real_pg_dump(*args)
        make_unit(Level.BUILDING, "12栋", tree.grid1)  # committed by another connection, mid-backup
        return info

    monkeypatch.setattr(databases, "_pg_dump", dump_then_write)
    path = backup(tmp_path)
    assert manifest_of(path)["tables"]["grids_unit"]["rows"] == Unit.objects.count() - 1 == 9

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    out, _err = restore(path, target)  # raises if the manifest and the dump disagree
    assert "every row count and checksum equals the manifest" in out
    assert not Unit.objects.using(target).filter(name="12栋").exists()


# --- Refusals ---------------------------------------------------------------------------------


def small_site(settings):
    tree = make_tree()
    make_member(tree.grid1, mobile="13800138000")
    add_photo(center=make_center(tree.community1), upload=jpeg(), caption="门口")
    return tree


def test_restore_into_the_database_in_use_is_refused_and_changes_nothing(settings, tmp_path):
    small_site(settings)
    path = backup(tmp_path)
    before, media_before = checksums("default"), sorted(p.name for p in settings.MEDIA_ROOT.rglob("*"))

    with pytest.raises(CommandError, match="it is not empty") as refused:
        restore(path, "default")

    assert "Nothing was changed" in str(refused.value)
    assert f"{len(before)} tables" in str(refused.value)
    assert checksums("default") == before
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*")) == media_before


def test_restore_into_a_database_where_migrate_ran_is_refused(settings, tmp_path, target):
    small_site(settings)
    path = backup(tmp_path)
    call_command("migrate", "contenttypes", database=target, verbosity=0)  # schema, migrations, no data of ours
    before = checksums(target)

    with pytest.raises(CommandError, match="it is not empty") as refused:
        restore(path, target)

    assert "2 applied migrations" in str(refused.value)
    assert checksums(target) == before


def test_restore_never_overwrites_a_different_media_file(settings, tmp_path, target):
    small_site(settings)
    path = backup(tmp_path)
    photo = Photo.objects.get()
    settings.MEDIA_ROOT = tmp_path / "other-media"
    occupied = settings.MEDIA_ROOT / photo.image.name
    occupied.parent.mkdir(parents=True)
    occupied.write_bytes(b"someone else's file")

    with pytest.raises(CommandError, match="1 media files would overwrite different files"):
        restore(path, target)

    assert occupied.read_bytes() == b"someone else's file"
    assert databases.contents(target) == (0, {}, 0)  # the database was not touched either


def test_backups_are_never_written_into_the_served_media(settings, tmp_path):
    with pytest.raises(CommandError, match="inside MEDIA_ROOT"):
        call_command("backup", output_dir=settings.MEDIA_ROOT / "backups", stdout=io.StringIO())
    assert not (settings.MEDIA_ROOT / "backups").exists()


def test_restore_into_a_database_that_does_not_exist_says_so(settings, tmp_path):
    small_site(settings)
    path = backup(tmp_path)
    default = connections["default"]
    missing = "/nonexistent/folder/restored.sqlite3" if default.vendor == "sqlite" else "portal_restore_missing"
    connections["missing"] = type(default)({**default.settings_dict, "NAME": missing}, "missing")
    try:
        with pytest.raises(CommandError, match=f'Cannot connect to the database "{missing}"'):
            restore(path, "missing")
    finally:
        del connections["missing"]


@pytest.mark.parametrize("damaged", ["database", "media"])
def test_a_damaged_archive_is_refused_by_dry_run_and_by_restore(settings, tmp_path, target, damaged):
    small_site(settings)
    path = backup(tmp_path)
    dry_out, _err = restore(path, target, "--dry-run")
    assert "Archive verified" in dry_out and "Dry run: nothing was restored." in dry_out

    def flip_a_byte(name, data):
        if name.startswith(damaged):
            return data[:100] + bytes([data[100] ^ 1]) + data[101:]
        return data

    rewrite(path, flip_a_byte)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    for flags in (["--dry-run"], []):
        with pytest.raises(CommandError, match=rf"is damaged; nothing was restored:\n  {damaged}.*checksum differs"):
            restore(path, target, *flags)
    assert databases.contents(target) == (0, {}, 0)
    assert not settings.MEDIA_ROOT.exists()


def test_restore_reports_a_table_that_differs_from_the_manifest(settings, tmp_path, target):
    small_site(settings)
    path = backup(tmp_path)

    def wrong_checksum(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["tables"]["grids_unit"]["sha256"] = "0" * 64
        return json.dumps(manifest).encode()

    rewrite(path, wrong_checksum)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    # SQLite checks its copy's tables before restoring; PostgreSQL finds it after pg_restore.
    expected = "is damaged" if connection.vendor == "sqlite" else "verification FAILED; do not use this database"
    with pytest.raises(CommandError, match=expected) as failed:
        restore(path, target)
    assert "grids_unit: 9 rows as expected, but their checksum differs" in str(failed.value)


def test_dry_run_warns_when_the_personal_data_key_is_not_the_backups(settings, tmp_path):
    small_site(settings)
    path = backup(tmp_path)
    out, err = restore(path, "default", "--dry-run")
    assert err == ""

    def other_key(name, data):
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), "personal_data_key_check": "0" * 64}).encode()

    rewrite(path, other_key)
    out, err = restore(path, "default", "--dry-run")
    assert "Dry run: nothing was restored." in out
    assert "The personal-data key configured here is not the one this backup was made with" in err


# --- The checksum itself ---------------------------------------------------------------------


def test_a_table_checksum_follows_values_and_rows_not_storage_order():
    tree = make_tree()
    before = checksums("default")

    unit = Unit.objects.get(pk=tree.grid1.pk)
    name = unit.name
    Unit.objects.filter(pk=unit.pk).update(name=name + "X")
    changed = checksums("default")
    assert [table for table in before if before[table] != changed[table]] == ["grids_unit"]
    assert changed["grids_unit"]["rows"] == before["grids_unit"]["rows"]

    # Back to the old value: PostgreSQL stored the row anew at the end of the table; the
    # checksum orders by primary key, so it is the old one again.
    Unit.objects.filter(pk=unit.pk).update(name=name)
    assert checksums("default") == before

    tree.building1.delete()
    assert checksums("default")["grids_unit"]["rows"] == before["grids_unit"]["rows"] - 1
