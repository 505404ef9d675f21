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


def counts(job):
    """(rows, added, updated) of an import job's summary, read by label: PostgreSQL's jsonb
    does not keep the keys' order, so the values cannot be read by position."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override("zh-hans"):
        labels = [(_("Rows"),), (_("Added"), _("To be added")), (_("Updated"), _("To be updated"))]
    return [next(job.summary[k] for k in names if k in job.summary) for names in labels]
