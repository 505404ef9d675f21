"""The member import as background jobs: the upload is stored, a worker previews it (checks and
writes everything, then rolls back), the staffer confirms, and a second job imports it
all-or-nothing (grids.services.members_import). Outcomes list every problem row."""

from django.utils.translation import gettext as _

from ..models import Member
from . import audit
from .jobs import register
from .members_import import import_workbook

KIND = "members_import"
PREVIEW = "members_preview"


def _outcome(result):
    return {
        "summary": {
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors],
        "result": {"preview": result.preview()},
    }


@register(PREVIEW, _("Member import preview"), writes=False)
def run_members_preview(job, ctx):
    with ctx.finishing():
        with job.input_file.open("rb") as upload:
            result = import_workbook(
                upload, user=job.started_by, category=job.params.get("category"), dry_run=True, progress=ctx.progress
            )
        ctx.progress(result.rows, result.rows)
        ctx.outcome = _outcome(result)


@register(KIND, _("Member import"))
def run_members_import(job, ctx):
    with ctx.finishing():
        with job.input_file.open("rb") as upload:
            result = import_workbook(
                upload, user=job.started_by, category=job.params.get("category"), progress=ctx.progress
            )
        # Rows are written in bulk (COPY / bulk_create, no per-row signal): one trail entry per import.
        audit.record_import(Member, source=job.input_file, user=job.started_by, result=result)
        ctx.progress(result.rows, result.rows)
        ctx.outcome = _outcome(result)
