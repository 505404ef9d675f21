"""The first visible sheet of a roster as rows of cell values: .xlsx (openpyxl, streamed, after
portal.core.workbooks' limits), .xls (xlrd) or .csv (UTF-8, or GBK as Excel saves it in China).

A file is recognised by its first bytes, not its name. A password-protected workbook (Excel
keeps it as an OLE2 container holding an EncryptedPackage) is refused with a message saying so.
"""

import codecs
import csv
import io
import os
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.core.workbooks import MB, Limits, open_workbook

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARKS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


class Sheet:
    """rows: an iterator of tuples; total: the number of rows, as far as known before reading."""

    def __init__(self, rows, total):
        self.rows = rows
        self.total = total


def _read_all(source):
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            return handle.read()
    source.seek(0)
    data = source.read()
    source.seek(0)
    return data


def _head(source, size=8):
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            return handle.read(size)
    position = source.tell()
    head = source.read(size)
    source.seek(position)
    return head


def _protected():
    return ValidationError(
        _(
            "This workbook is protected by a password: open it in Excel or WPS, remove the password and upload it again."
        ),
        code="protected",
    )


def _too_big(limits):
    return ValidationError(
        _("The file is larger than %(mb)d MB. Please split it into smaller workbooks.")
        % {"mb": limits.file_bytes // MB},
        code="too_large",
    )


def _too_many_rows(limits):
    return ValidationError(
        _("A sheet of the workbook has more than %(n)d rows. Please split it into smaller workbooks.")
        % {"n": limits.rows},
        code="too_large",
    )


def _no_visible_sheet():
    return ValidationError(_("The workbook has no visible sheet."), code="invalid")


@contextmanager
def _xlsx(source, limits):
    workbook = open_workbook(source, limits)
    try:
        sheets = [sheet for sheet in workbook.worksheets if getattr(sheet, "sheet_state", "visible") == "visible"]
        if not sheets:
            raise _no_visible_sheet()
        sheet = sheets[0]
        yield Sheet(sheet.iter_rows(values_only=True), sheet.max_row or 0)
    finally:
        workbook.close()


def _xls(data, limits):
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.biffh.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise _protected() from exc
        raise ValidationError(_("This file is not an Excel workbook (.xlsx or .xls)."), code="invalid") from exc
    except Exception as exc:  # xlrd raises many kinds for a damaged file
        raise ValidationError(_("This file is not an Excel workbook (.xlsx or .xls)."), code="invalid") from exc
    visible = [index for index in range(book.nsheets) if book.sheet_by_index(index).visibility == 0]
    if not visible:
        raise _no_visible_sheet()
    sheet = book.sheet_by_index(visible[0])
    if sheet.nrows > limits.rows + 1:
        raise _too_many_rows(limits)

    def value(cell):
        if cell.ctype == xlrd.XL_CELL_DATE:
            try:
                return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return cell.value
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return None
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        return cell.value

    rows = (tuple(value(cell) for cell in sheet.row(index)) for index in range(sheet.nrows))
    return Sheet(rows, sheet.nrows)


def _decode(data):
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # GBK and its extension, as Excel in China saves a .csv
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("This file is neither an Excel workbook nor a CSV file in UTF-8 or GBK."), code="invalid"
        ) from exc


def _csv(data, limits):
    text = _decode(data)
    if "\x00" in text:
        raise ValidationError(
            _("This file is neither an Excel workbook nor a CSV file in UTF-8 or GBK."), code="invalid"
        )
    total = text.count("\n") + 1
    if total > limits.rows + 2:
        raise _too_many_rows(limits)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = (tuple(cell if cell != "" else None for cell in row) for row in csv.reader(io.StringIO(text), dialect))
    return Sheet(rows, total)


@contextmanager
def open_sheet(source, limits=None):
    """The first visible sheet of `source` (a path or a file object). ValidationError (Chinese)
    for a file over the limits, protected by a password, or in no known format."""
    limits = limits or Limits()
    head = _head(source)
    if head.startswith(b"PK"):
        with _xlsx(source, limits) as sheet:
            yield sheet
        return
    size = os.path.getsize(source) if isinstance(source, (str, os.PathLike)) else len(_read_all(source))
    if size > limits.file_bytes:
        raise _too_big(limits)
    data = _read_all(source)
    if head.startswith(OLE2):
        if any(mark in data for mark in ENCRYPTED_MARKS):
            raise _protected()
        yield _xls(data, limits)
        return
    yield _csv(data, limits)
