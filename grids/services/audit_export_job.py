"""The audit trail's export of a large search as a job (grids.services.exports_job)."""

from django.utils.translation import gettext as _

from ..models import AuditEntry
from ..scope import MANAGE
from . import audit as audit_services
from .exports_job import exporter, query_of, sheet_bytes

AUDIT_EXPORT = "audit"
EXPORT_LIMIT = 100_000


@exporter(AUDIT_EXPORT)
def build_audit(job, progress):
    search = audit_services.search_params(query_of(job))
    entries = audit_services.search(AuditEntry.objects.visible_to(job.started_by, MANAGE), **search)[:EXPORT_LIMIT]
    total = entries.count()  # in the worker, for the progress bar
    content, written = sheet_bytes(
        _("Audit trail"), audit_services.export_rows(entries), total=total, progress=progress
    )
    return "audit-trail.xlsx", content, written
