"""The archive file: writing it, reading its manifest, checking every member against it, and
putting media files back. Nothing here knows about databases beyond the dump's file name."""

import hashlib
import io
import json
import os
import tarfile
import time
from pathlib import Path, PurePosixPath

from .databases import DUMP_NAMES, BackupError

FORMAT = "partyportal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024


class _Hashing:
    """A file object that hashes what tarfile reads through it."""

    def __init__(self, file):
        self.file, self.digest, self.size = file, hashlib.sha256(), 0

    def read(self, size=-1):
        data = self.file.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def media_files(root):
    """Relative POSIX paths of the regular files under root (symbolic links are not followed)."""
    root = Path(root)
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def safe_media_path(name):
    """True when a manifest's media path stays inside MEDIA_ROOT (no absolute path, no ..)."""
    path = PurePosixPath(name)
    return (
        isinstance(name, str)
        and name == path.as_posix()
        and not path.is_absolute()
        and not any(part in {"", ".", ".."} for part in path.parts)
        and "\\" not in name
        and "\0" not in name
    )


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _add_file(tar, name, path):
    with open(path, "rb") as file:
        info = tar.gettarinfo(fileobj=file, arcname=name)
        info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
        reader = _Hashing(file)
        try:
            tar.addfile(info, reader)
        except OSError as exc:  # the file shrank while it was being read
            raise BackupError(f"{path} changed during the backup ({exc}); run the backup again.") from exc
    return {"sha256": reader.digest.hexdigest(), "size": reader.size}


def write(target, *, dump_file, media_root, manifest):
    """Write the archive (mode 600: it holds password hashes and encrypted personal data).
    `manifest` gets the dump's and every media file's checksum and is stored last."""
    vendor = manifest["database"]["vendor"]
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        manifest["database"].update(file=DUMP_NAMES[vendor], **_add_file(tar, DUMP_NAMES[vendor], dump_file))
        manifest["media"] = {
            name: _add_file(tar, MEDIA + name, Path(media_root, name)) for name in media_files(media_root)
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
        tar.addfile(info, io.BytesIO(data))
    return manifest


class Archive:
    """An archive opened for reading; `manifest` is loaded and its shape checked on opening."""

    def __init__(self, path):
        self.path = Path(path)
        try:
            self.tar = tarfile.open(self.path, "r:")
            self.members = self.tar.getmembers()
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(f"{self.path} is not a readable backup archive: {exc}") from exc
        try:
            self.manifest = self._read_manifest()
        except BackupError:
            self.tar.close()
            raise
        self.vendor = self.manifest["database"]["vendor"]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.tar.close()

    def _read_manifest(self):
        found = [member for member in self.members if member.name == MANIFEST]
        if len(found) != 1 or not found[0].isreg() or found[0].size > MAX_MANIFEST_BYTES:
            raise BackupError(f"{self.path} has no single {MANIFEST}: not an archive made by `manage.py backup`.")
        try:
            manifest = json.loads(self.tar.extractfile(found[0]).read())
            database, media = manifest["database"], manifest["media"]
            ok = (
                manifest["format"] == FORMAT
                and DUMP_NAMES.get(database["vendor"]) == database["file"]
                and isinstance(manifest["tables"], dict)
                and all(safe_media_path(name) for name in media)
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"{self.path}: the manifest cannot be read ({exc}).") from exc
        if not ok:
            raise BackupError(f"{self.path}: the manifest is not one `manage.py backup` writes.")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"{self.path} has format version {manifest.get('format_version')}; this portal reads {FORMAT_VERSION}."
            )
        return manifest

    def expected(self):
        """{member name: {"sha256", "size"}} for the dump and every media file."""
        database = self.manifest["database"]
        entries = {database["file"]: database}
        entries.update({MEDIA + name: entry for name, entry in self.manifest["media"].items()})
        return entries

    def verify(self, dump_to=None):
        """Problems found (empty when every member is there, once, with its checksum); the dump is
        copied to `dump_to` on the way, so it is read once."""
        expected, seen, problems = self.expected(), set(), []
        for member in self.members:
            if member.name == MANIFEST:
                continue
            entry = expected.get(member.name)
            if entry is None or member.name in seen or not member.isreg():
                problems.append(f"{member.name}: unexpected in the archive")
                continue
            seen.add(member.name)
            target = dump_to if member.name == self.manifest["database"]["file"] else None
            digest, size = self._copy(member, target)
            if (digest, size) != (entry["sha256"], entry["size"]):
                problems.append(f"{member.name}: checksum differs from the manifest (the archive is damaged)")
        problems += [f"{name}: missing from the archive" for name in sorted(set(expected) - seen)]
        return problems

    def _copy(self, member, target=None):
        digest, size = hashlib.sha256(), 0
        source = self.tar.extractfile(member)
        output = open(target, "wb") if target else None  # noqa: SIM115 (closed below)
        try:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                if output:
                    output.write(chunk)
        finally:
            if output:
                output.close()
        return digest.hexdigest(), size

    def media_conflicts(self, media_root):
        """Media paths where MEDIA_ROOT already holds something else: a restore never overwrites."""
        conflicts = []
        for name, entry in self.manifest["media"].items():
            path = Path(media_root, name)
            if path.is_symlink() or (path.exists() and (not path.is_file() or file_sha256(path) != entry["sha256"])):
                conflicts.append(name)
        return conflicts

    def restore_media(self, media_root):
        """Write the media files; (written, already present with the same content)."""
        by_name = {member.name: member for member in self.members}
        written = present = 0
        for name, entry in self.manifest["media"].items():
            path = Path(media_root, name)
            if path.is_file() and file_sha256(path) == entry["sha256"]:
                present += 1
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.restoring")
            digest, _size = self._copy(by_name[MEDIA + name], partial)
            if digest != entry["sha256"]:
                partial.unlink()
                raise BackupError(f"{name}: checksum changed while restoring; is the archive being modified?")
            os.replace(partial, path)
            written += 1
        return written, present

    def media_differences(self, media_root):
        """Media files of the manifest missing from MEDIA_ROOT or different there."""
        lines = []
        for name, entry in self.manifest["media"].items():
            path = Path(media_root, name)
            if not path.is_file():
                lines.append(f"media/{name}: missing")
            elif file_sha256(path) != entry["sha256"]:
                lines.append(f"media/{name}: checksum differs")
        return lines
