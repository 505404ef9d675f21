"""The one writer of every CSV and Excel download (issue 9, section 5).

- Text typed by people (names, addresses, titles, unit names) can start with `=`, `+`, `-`,
  `@`, a tab or a carriage return; a spreadsheet would run it as a formula (OWASP "CSV
  injection"). In CSV such text gets a leading apostrophe; in .xlsx it is written as a
  string cell with Excel's quote prefix, which Excel never evaluates, even once edited, so
  the text itself survives a round trip through the importers unchanged.
- Numbers stay numbers: money (Decimal) is written with two decimals and thousands
  separators in CSV, as a number with the format `#,##0.00` in Excel.
- Dates stay dates (ISO in CSV, date cells in Excel).
- Control characters that Excel refuses are dropped from text (they are never meaningful
  in a download and openpyxl raises on them).

A leaf module: it imports no app.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .money import format_yuan

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
CENT = Decimal("0.01")
CELL = object()  # see _bare
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def clean_text(value):
    """Text without the control characters a spreadsheet refuses."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def csv_cell(value):
    """One value as CSV text: numbers formatted, risky text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format_yuan(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = clean_text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _download(response, filename):
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # A download is a snapshot, often of personal data: no browser or proxy keeps a copy.
    response["Cache-Control"] = "no-store"
    response.portal_export = filename or "download"  # the audit middleware records every download
    return response


def csv_response(filename, rows):
    """A CSV download (UTF-8 with a BOM, which Excel needs to read Chinese) of `rows`."""
    response = _download(HttpResponse(content_type="text/csv; charset=utf-8"), filename)
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response


def _xlsx_value(value):
    """(value, number_format, is_text) for one Excel cell."""
    if value is None:
        return None, None, False
    if isinstance(value, bool):
        return int(value), None, False
    if isinstance(value, Decimal):
        # Sums come back from SQLite as 140131.040000000: the cell holds the amount in fen.
        return value.quantize(CENT), MONEY_FORMAT, False
    if isinstance(value, (int, float)):
        return value, None, False
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:  # Excel has no time zones: Shanghai wall time
            value = timezone.localtime(value).replace(tzinfo=None)
        return value, DATETIME_FORMAT, False
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT, False
    return clean_text(value), None, True


def _text_cell(cell, text):
    # Assigning a string that starts with "=" makes openpyxl write a formula; setting the
    # type afterwards keeps it a plain string cell.
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        # Excel's leading apostrophe: the cell stays text even after someone edits it in
        # Excel (F2, Enter), so the workbook can be edited and imported back safely.
        cell.quotePrefix = True


def xlsx_cell(sheet, value, *, text_format=False, bold=False):
    """A write-only cell holding `value` safely (see the module docstring)."""
    value, number_format, is_text = _xlsx_value(value)
    cell = WriteOnlyCell(sheet)
    if is_text:
        _text_cell(cell, value)
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    elif text_format:
        cell.number_format = TEXT_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def set_cell(cell, value):
    """Write `value` safely into a cell of an ordinary (not write-only) worksheet."""
    value, number_format, is_text = _xlsx_value(value)
    if is_text:
        _text_cell(cell, value)
    else:
        cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell


def _bare(value):
    """`value` as openpyxl may take it bare (a number, a date, or text it stores as plain
    text), or CELL. openpyxl takes a ready cell only after failing to read it as a value,
    which makes a cell cost twice a bare value: a large export passes most values bare."""
    if value is None or type(value) in (int, float):
        return value
    if type(value) is datetime.date:  # openpyxl gives a date DATE_FORMAT by itself
        return value
    if type(value) is str:
        text = clean_text(value)
        # "#N/A" and the like would become Excel error cells.
        if not text.startswith(FORMULA_START) and text not in ERROR_CODES:
            return text
    return CELL


def append_row(sheet, values, *, bold=False, text_columns=()):
    """Append one row to a sheet (write-only or ordinary); `text_columns` are indexes
    formatted as text (ID-card and mobile numbers, which Excel would turn into numbers)."""
    if not hasattr(sheet, "iter_rows"):  # openpyxl's WriteOnlyWorksheet
        row = []
        for index, value in enumerate(values):
            # An empty cell needs no text format: a bare None (most building groups have no code).
            formatted = index in text_columns and value not in (None, "")
            bare = CELL if bold or formatted else _bare(value)
            row.append(xlsx_cell(sheet, value, text_format=index in text_columns, bold=bold) if bare is CELL else bare)
        sheet.append(row)
        return
    # Through `append`, which keeps the last row: `max_row` looks at every cell of the sheet, so
    # a template listing 11,000 units spent 16 s in it (a row at a time, quadratic).
    cells = []
    for index, value in enumerate(values):
        cell = set_cell(Cell(sheet), value)
        if index in text_columns and cell.number_format == "General":
            cell.number_format = TEXT_FORMAT
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def new_workbook(*, write_only=True):
    """A workbook with no sheet: write-only (constant memory, several times faster on a large
    sheet, for downloads and templates of any size) by default; an ordinary one where cells are
    written out of order."""
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    return workbook


def format_as_text(sheet, columns, *, rows):
    """Format the cells of `columns` (indexes) in `rows` of an ordinary sheet as text, so that
    what people type there (ID-card and mobile numbers) stays text and keeps every digit."""
    for row in rows:
        for index in columns:
            sheet.cell(row=row, column=index + 1).number_format = TEXT_FORMAT


def add_sheet(workbook, title, header=None, *, widths=(), text_columns=()):
    """A sheet named `title` (Excel allows 31 characters), its header row in bold. `text_columns`
    (indexes) are formatted as text for the whole column, every row Excel adds included (an
    import template's ID-card and mobile columns). Column widths and formats are set here, before
    any row: a write-only sheet writes them ahead of its first row."""
    sheet = workbook.create_sheet(title=clean_text(title)[:31])
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    for index in text_columns:
        sheet.column_dimensions[get_column_letter(index + 1)].number_format = TEXT_FORMAT
    if header:
        append_row(sheet, [str(label) for label in header], bold=True)
    return sheet


def xlsx_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename, content):
    """An .xlsx download of `content` (a workbook or its bytes)."""
    if not isinstance(content, (bytes, bytearray)):
        content = xlsx_bytes(content)
    return _download(HttpResponse(content, content_type=XLSX), filename)


def file_response(filename, stored, content_type=XLSX):
    """A download of a stored file (a job's result), streamed, recorded like every download."""
    return _download(FileResponse(stored, content_type=content_type), filename)


def rows_to_xlsx(filename, title, rows):
    """The common case: one sheet, the first row a header, as a download."""
    workbook = new_workbook()
    rows = iter(rows)
    sheet = add_sheet(workbook, title, next(rows, None))
    for row in rows:
        append_row(sheet, row)
    return xlsx_response(filename, workbook)


# What makes a response a download: a cache replaying one keeps them (portal/core/pagecache.py).
DOWNLOAD_HEADERS = ("Content-Disposition", "Cache-Control")


def is_download(response):
    """A response (or a cached response's headers) that saves a file rather than shows a page (a
    cache must not replay it bare)."""
    if isinstance(response, dict):
        return DOWNLOAD_HEADERS[0] in response
    return response.has_header(DOWNLOAD_HEADERS[0])
