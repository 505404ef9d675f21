"""Real workbooks for the bulk imports (units, posts, reports, claims): header row and rows, with
an optional title row above the header, as people keep their sheets."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from grids.services import bulk_import


def workbook(name, rows, *, title=None, extra_header=()):
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    if title:
        sheet.append([title])
    sheet.append(bulk_import.headers(bulk_import.IMPORTERS[name]) + list(extra_header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(name, rows, **options):
    return SimpleUploadedFile(f"{name}.xlsx", workbook(name, rows, **options))
