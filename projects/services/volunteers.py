"""Volunteer certificates (issued with a random code, verified on a public page) and the
export of hours per volunteer for a period."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grids.services.jobs import scheduled
from portal.core import exports

from ..models.service import VolunteerTeam
from ..models.volunteers import Certificate

# Certificate codes: no 0/O, 1/I/L, so a code read aloud or retyped from paper stays unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_certificate_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalize_code(code):
    return "".join(ch for ch in (code or "").upper() if ch.isascii() and ch.isalnum())[:CODE_LENGTH]


def format_code(code):
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def issue_certificate(*, volunteer, start, end, user):
    """A certificate of the volunteer's hours in [start, end], issued by their registering unit."""
    if end < start:
        raise ValidationError(_("The period ends on or after its first day."))
    hours = volunteer.service_records.in_period(start, end).total_hours()
    if hours <= 0:
        raise ValidationError(_("This volunteer has no recorded hours in this period."))
    return Certificate.objects.create(
        volunteer=volunteer,
        unit=volunteer.unit,
        period_start=start,
        period_end=end,
        hours=hours,
        code=new_certificate_code(),
        issued_by=user,
    )


def verify_certificate(code):
    code = normalize_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return Certificate.objects.select_related("volunteer", "unit").filter(code=code).first()


def hours_workbook(*, volunteers, start, end):
    """An .xlsx of hours per volunteer in [start, end]: names, masked mobiles, counts, hours.

    `volunteers` must already be scoped; totals are annotated by the database in one query.
    """
    rows = volunteers.with_period_totals(start, end).select_related("unit").order_by("unit__path", "name", "pk")
    workbook = exports.new_workbook()
    sheet = exports.add_sheet(workbook, _("Service hours"), widths=(16, 14, 24, 10, 10))
    exports.append_row(sheet, [_("Service hours from %(start)s to %(end)s") % {"start": start, "end": end}])
    header = [pgettext("person", "Name"), _("Mobile"), _("Registering unit"), _("Activities"), _("Hours")]
    exports.append_row(sheet, header, bold=True)
    total = Decimal("0")
    for volunteer in rows:
        exports.append_row(
            sheet,
            [
                volunteer.name,
                volunteer.mobile_masked,
                volunteer.unit.name,
                volunteer.n_records,
                volunteer.total_hours,
            ],
        )
        total += volunteer.total_hours
    exports.append_row(sheet, [_("Total"), "", "", "", total], bold=True)
    return exports.xlsx_bytes(workbook)


@scheduled("refresh_team_ranking", every=timedelta(minutes=15))
def refresh_team_ranking(now=None):
    """Recompute every team's kept total (one UPDATE): a net under the refreshes made with each
    write, for a change that bypassed them (a data fix in the shell, an import)."""
    return VolunteerTeam.objects.all().refresh_ranking()
