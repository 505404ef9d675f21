"""The member import as a background job: the upload is stored, a worker validates and imports
it all-or-nothing (grids.services.members_import), the outcome lists every problem row."""

from django.utils.translation import gettext as _

from ..models import Member
from . import audit
from .jobs import register
from .members_import import import_workbook

KIND = "members_import"


@register(KIND, _("Member import"))
def run_members_import(job, ctx):
    with ctx.finishing():
        with job.input_file.open("rb") as upload:
            result = import_workbook(upload, user=job.started_by, progress=ctx.progress)
        # Rows are written in bulk (COPY / bulk_create, no per-row signal): one trail entry per import.
        audit.record_import(Member, source=job.input_file, user=job.started_by, result=result)
        ctx.progress(result.rows, result.rows)
        ctx.outcome = {
            "summary": {"rows": result.rows, "created": result.created},
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors],
        }
