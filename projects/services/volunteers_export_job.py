"""Service hours of many volunteers as a job (grids.services.exports_job): the worker rebuilds the
starter's volunteers and the period from the page's query string."""

from grids.services.exports_job import exporter, query_of

from ..forms.volunteers import PeriodForm
from ..models.volunteers import Volunteer
from .volunteers import hours_workbook

NAME = "volunteer_hours"


def hours_filename(start, end):
    return f"volunteer-hours-{start}-{end}.xlsx"


@exporter(NAME)
def build_hours(job, progress):
    form = PeriodForm(query_of(job))
    if not form.is_valid():
        raise ValueError("period")  # checked by the page before the job was started
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    volunteers = Volunteer.objects.visible_to(job.started_by)
    rows = volunteers.count()
    progress(0, rows)
    return hours_filename(start, end), hours_workbook(volunteers=volunteers, start=start, end=end), rows
