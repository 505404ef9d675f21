"""The staff list of 民生微实事 as .xlsx, as a job when it is long (grids.services.exports_job): the
worker rebuilds the starter's scoped list from the page's query string and writes the same
columns as the direct download."""

from django.utils.translation import gettext as _

from grids.services.exports_job import exporter, query_of, sheet_bytes

from .micro_export import download_rows, staff_projects

NAME = "micro_projects"
FILENAME = "micro-projects-staff.xlsx"


@exporter(NAME)
def build_micro_projects(job, progress):
    projects, _chosen = staff_projects(job.started_by, query_of(job))
    total = projects.count()  # in the worker, for the progress bar
    rows = download_rows(projects.iterator(chunk_size=2000))
    content, written = sheet_bytes(_("Micro-projects"), rows, total=total, progress=progress)
    return FILENAME, content, written
