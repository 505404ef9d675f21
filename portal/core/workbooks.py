"""Limits an uploaded Excel workbook (.xlsx) must meet before openpyxl parses it (issue 16, §5).

openpyxl reads a sheet row by row, but loads a workbook's whole shared-string table (where Excel
and WPS keep every text) into memory first, and a zip archive can unpack to far more than it
weighs. So before any parsing, the archive itself is measured: the file's size, the size it
unpacks to (declared sizes are an upper bound: zipfile never reads past them), the rows of every
sheet and the shared strings (counted and measured in the unpacked bytes, streamed, not parsed). A workbook over a limit is refused
with a Chinese message saying which; nothing is written.
"""

import html
import os
import re
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MB = 1024 * 1024
CHUNK = MB
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?si>")
_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?t(?:\s[^>]*)?>(.*?)</(?:[A-Za-z_][\w.-]*:)?t>", re.S)


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 20 * MB  # 100,000 members are 7-8 MB as Excel, WPS or openpyxl save them
    unpacked_bytes: int = 300 * MB
    rows: int = 200_000  # per sheet, header row not counted
    shared_strings: int = 1_000_000
    cell_chars: int = 1_000  # the longest column of any import takes 200


def _size(source):
    if isinstance(source, (str, os.PathLike)):
        return os.path.getsize(source)
    size = getattr(source, "size", None)
    if size is None:
        position = source.tell()
        size = source.seek(0, os.SEEK_END)
        source.seek(position)
    return size


def _refuse(message):
    raise ValidationError(message, code="too_large")


def _count_rows(archive, name, limit):
    rows = 0
    carry = b""
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            data = carry + chunk
            # A tag cut at the chunk's end is counted with the next chunk.
            cut = data.rfind(b"<")
            head, carry = (data[:cut], data[cut:]) if cut >= 0 else (data, b"")
            rows += len(_ROW.findall(head))
            if rows > limit:
                return rows
    return rows + len(_ROW.findall(carry))


def _text_length(item):
    texts = _TEXT.findall(item)
    return len(html.unescape(b"".join(texts).decode("utf-8", "replace")))


def _check_shared_strings(archive, name, limits):
    """Count the strings and measure each without building a tree: split the unpacked bytes at
    `</si>`. A string's bytes are never fewer than its characters (UTF-8, entities), so only an
    item with more bytes than the limit has its text decoded and measured."""
    too_long = ValidationError(
        _("A cell of the workbook holds more than %(n)d characters, more than any column takes. Please check the file.")
        % {"n": limits.cell_chars},
        code="too_large",
    )
    count = 0
    carry = b""
    with archive.open(name) as part:
        if b"<!DOCTYPE" in part.read(2048).upper():  # no entity declarations: a plain table
            raise ValidationError(_("This file is not an Excel workbook (.xlsx)."), code="invalid")
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            items = _ITEM_END.split(carry + chunk)
            carry = items.pop()
            count += len(items)
            if count > limits.shared_strings:
                _refuse(
                    _("The workbook holds more than %(n)d different texts. Please split it into smaller workbooks.")
                    % {"n": limits.shared_strings}
                )
            if any(len(item) > limits.cell_chars and _text_length(item) > limits.cell_chars for item in items):
                raise too_long
            if len(carry) > MB + 8 * limits.cell_chars:  # one item bigger than any cell can need
                raise too_long


def check_workbook(source, limits=Limits()):
    """Raise ValidationError (Chinese) unless the .xlsx `source` (a path or a file) is within
    `limits`. Leaves a file object at its start."""
    if _size(source) > limits.file_bytes:
        _refuse(
            _("The file is larger than %(mb)d MB. Please split it into smaller workbooks.")
            % {"mb": limits.file_bytes // MB}
        )
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(_("This file is not an Excel workbook (.xlsx)."), code="invalid") from exc
    try:
        with archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > limits.unpacked_bytes:
                _refuse(
                    _("The workbook unpacks to more than %(mb)d MB. Please split it into smaller workbooks.")
                    % {"mb": limits.unpacked_bytes // MB}
                )
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    if _count_rows(archive, info.filename, limits.rows + 1) > limits.rows + 1:
                        _refuse(
                            _(
                                "A sheet of the workbook has more than %(n)d rows. Please split it into smaller workbooks."
                            )
                            % {"n": limits.rows}
                        )
                elif info.filename == "xl/sharedStrings.xml":
                    _check_shared_strings(archive, info.filename, limits)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ValidationError(_("This file is not an Excel workbook (.xlsx)."), code="invalid") from exc
    finally:
        if not isinstance(source, (str, os.PathLike)):
            source.seek(0)


def open_workbook(source, limits=Limits()):
    """`check_workbook`, then openpyxl's streaming (read-only) reader. ValidationError (Chinese)
    for a workbook over the limits or a file that is not an .xlsx."""
    check_workbook(source, limits)
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key) for a file that is not .xlsx
        raise ValidationError(_("This file is not an Excel workbook (.xlsx)."), code="invalid") from exc
