"""The scheduled reports (issue 12): on the first of each month, the past month's report of the
district and of every street (and in January the past year's), as workbooks kept for staff
(grids.models.UnitReport, /staff/reports/).

The worker runs this every hour; it writes only the reports still missing, so the first run
of a month does the work, a worker that was down on the 1st catches up, and a second run (or a
second worker) writes nothing twice (one report per unit, kind and period in the database)."""

import datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Level, ReportKind, Unit, UnitReport
from grids.services.jobs import scheduled
from portal.core.periods import Period

from . import reports


def due_periods(today):
    """The periods whose reports are due on `today`: the past month, and in January the past year."""
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    due = [Period.containing("month", last_month)]
    if today.month == 1:
        due.append(Period.containing("year", last_month))
    return due


def title(unit, period):
    if period.kind == "year":
        return _("%(unit)s yearly report %(period)s") % {"unit": unit.name, "period": period.label}
    return _("%(unit)s monthly report %(period)s") % {"unit": unit.name, "period": period.label}


def write_report(unit, period):
    """Write and keep the report of `unit` for `period`; None if it is already kept."""
    if UnitReport.objects.filter(unit=unit, kind=period.kind, start=period.start).exists():
        return None
    content = reports.workbook(unit, period)
    report = UnitReport(
        unit=unit, kind=ReportKind(period.kind), title=title(unit, period), start=period.start, end=period.end
    )
    report.workbook.save(reports.filename(unit, period), ContentFile(content), save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # another worker kept the same report a moment ago
        report.workbook.delete(save=False)
        return None
    return report


@scheduled("unit_reports", every=datetime.timedelta(hours=1))
def unit_reports(now=None):
    today = timezone.localdate(now) if now else timezone.localdate()
    written = []
    for unit in Unit.objects.filter(level__in=[Level.DISTRICT, Level.STREET]).order_by("path"):
        for period in due_periods(today):
            report = write_report(unit, period)
            if report is not None:
                written.append(report)
    return len(written)
