"""Large downloads as background jobs (issue 10, §1): an export over EXPORT_JOB_ROWS rows is not
written inside the request; a worker writes the .xlsx, which is kept with the job (the result
file, downloaded from the job's page, purged with the job after 7 days).

An exporter is registered by name (in the app that owns the data, as job kinds are) and rebuilds
its rows in the worker from the job's params: the query string of the list it exports and the
started_by user's scope, so the file holds exactly what the page would have downloaded.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _

from portal.core import exports

from .jobs import register, start_job

KIND = "export"
EXPORTERS = {}


@dataclass
class Exporter:
    name: str
    build: object  # (job, progress) -> (filename, xlsx bytes, rows written)


def exporter(name):
    def decorate(build):
        EXPORTERS[name] = Exporter(name, build)
        return build

    return decorate


def job_rows():
    """Exports of more rows than this run as a job (a few thousand rows take a second or two)."""
    return getattr(settings, "EXPORT_JOB_ROWS", 3000)


def start_export(name, *, user, unit, title, query="", **params):
    """Queue the export `name` of the list at `query` (a urlencoded query string)."""
    if name not in EXPORTERS:
        raise LookupError(name)
    return start_job(KIND, user=user, unit=unit, title=title, params={"export": name, "query": query, **params})


def sheet_bytes(title, rows, *, total, progress, every=2000):
    """(xlsx bytes, rows written) of one sheet: `rows` a header then the rows (an iterator, read
    as it is written: a write-only workbook keeps none of them), progress told every `every`."""
    workbook = exports.new_workbook()
    rows = iter(rows)
    sheet = exports.add_sheet(workbook, title, next(rows))
    written = 0
    for row in rows:
        exports.append_row(sheet, row)
        written += 1
        if written % every == 0:
            progress(written, total)
    return exports.xlsx_bytes(workbook), written


def query_of(job):
    return QueryDict(job.params.get("query", ""))


@register(KIND, _("Export"), writes=False)
def run_export(job, ctx):
    filename, content, rows = EXPORTERS[job.params["export"]].build(job, ctx.progress)
    ctx.progress(rows, rows)
    ctx.outcome = {"summary": {_("Rows exported"): rows}, "file": (filename, content)}
