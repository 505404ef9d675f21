"""Reminders of organisational life: a week before a kind of meeting falls due (the running
period ends and none was held) and once it is overdue (a period ended without one), the staff of
the organisation are notified; and the sending branch of a transfer letter about to expire. Each
reminder is sent once per organisation, kind and period (per letter), however often the job runs."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Unit
from ..models.meetings import KINDS_BY_LEVEL
from ..models.transfers import Transfer
from .jobs import scheduled
from .meetings import behind_this_period, duties
from .notifications import notify_once, staff_of
from .transfers import expiring

DUE_SOON = timedelta(days=7)


def _url(unit, year, kind, period):
    base = reverse("meeting_compliance")
    return f"{base}?unit={unit.pk}&year={year}#{kind}-{period.first.isoformat()}"


def _meeting_reminders(today):
    """[(kind of notification, duty, period)] owed today: the running period ending within a
    week, and the last period that ended, when not held. Last year's too in its first days."""
    units = list(Unit.objects.filter(level__in=list(KINDS_BY_LEVEL)).order_by("path"))
    found = []
    for year in sorted({(today - DUE_SOON).year, today.year}):
        for duty in behind_this_period(duties(units, year, today=today)):
            current = duty.current
            if current and not current.held and current.last - today <= DUE_SOON:
                found.append(("meeting_due_soon", year, duty, current))
            if duty.overdue:
                found.append(("meeting_overdue", year, duty, duty.overdue[-1]))
    return found


@scheduled("meeting_reminders", every=timedelta(hours=6))
def remind(today=None):
    """Send the reminders due today. Returns how many subjects were reminded (new ones only)."""
    today = today or timezone.localdate()
    sent = 0
    for kind, year, duty, period in _meeting_reminders(today):
        values = {"kind": duty.kind_label, "unit": duty.unit.name, "last": period.last.isoformat()}
        if kind == "meeting_due_soon":
            title = _("%(unit)s: %(kind)s is due by %(last)s and not held yet") % values
        else:
            title = _("%(unit)s: %(kind)s was due by %(last)s and was not held") % values
        url = _url(duty.unit, year, duty.kind, period)
        sent += bool(notify_once(staff_of(duty.unit), title=title, url=url, unit=duty.unit, kind=kind))
    for transfer in expiring(Transfer.objects.select_related("member", "unit"), today=today):
        title = _("Transfer letter %(number)s of %(name)s expires on %(date)s") % {
            "number": transfer.letter_number,
            "name": transfer.member.name,
            "date": transfer.valid_until.isoformat(),
        }
        url = reverse("transfer_detail", args=[transfer.pk])
        sent += bool(
            notify_once(staff_of(transfer.unit), title=title, url=url, unit=transfer.unit, kind="transfer_expiring")
        )
    return sent
