"""The audit trail's export of a large search as a job (grids.services.exports_job)."""

from django.utils.translation import gettext as _

from portal.core import exports

from ..models import AuditEntry
from ..scope import MANAGE
from . import audit as audit_services
from .exports_job import exporter, query_of

AUDIT_EXPORT = "audit"
EXPORT_LIMIT = 100_000


@exporter(AUDIT_EXPORT)
def build_audit(job, progress):
    search = audit_services.search_params(query_of(job))
    entries = audit_services.search(AuditEntry.objects.visible_to(job.started_by, MANAGE), **search)[:EXPORT_LIMIT]
    total = entries.count()
    workbook = exports.new_workbook()
    rows = audit_services.export_rows(entries)
    sheet = exports.add_sheet(workbook, _("Audit trail"), next(rows))
    written = 0
    for row in rows:
        exports.append_row(sheet, row)
        written += 1
        if written % 2000 == 0:
            progress(written, total)
    return "audit-trail.xlsx", exports.xlsx_bytes(workbook), written
