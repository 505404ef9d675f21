"""The scheduled sweep of demands' time limits: 24 hours before a limit the unit's staff are
reminded; past its response or handling limit a demand is raised (督办) to the parent unit, whose
staff are notified with those of the unit and the owner. Each demand is raised once per limit
(supervised_at) and reminded once (reminded_at), however often the job runs."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Demand, DemandAction, DemandStatus, DemandTransition
from . import workdays
from .demands_intake import staff_url
from .jobs import scheduled
from .notifications import notify, staff_of

REMIND_BEFORE = timedelta(hours=24)
WAITING = (DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS)


def _overdue(now):
    today = workdays.local_date(now)
    late_response = Q(status=DemandStatus.PENDING, response_due__lt=now)
    late_handling = Q(status__in=WAITING, handling_due__lt=today)
    return Demand.objects.filter(late_response | late_handling, supervised_at__isnull=True)


def _due_soon(now):
    tomorrow = workdays.local_date(now + REMIND_BEFORE)
    soon_response = Q(status=DemandStatus.PENDING, response_due__lte=now + REMIND_BEFORE, response_due__gte=now)
    soon_handling = Q(status__in=WAITING, handling_due__lte=tomorrow, handling_due__gte=workdays.local_date(now))
    return Demand.objects.filter(soon_response | soon_handling, reminded_at__isnull=True, supervised_at__isnull=True)


@scheduled("demands_deadlines", every=timedelta(minutes=15))
def sweep_deadlines(now=None):
    """Remind and raise; returns (reminded, supervised)."""
    now = now or timezone.now()
    reminded = supervised = 0
    for pk in _due_soon(now).values_list("pk", flat=True):
        reminded += _remind(pk, now)
    for pk in _overdue(now).values_list("pk", flat=True):
        supervised += _supervise(pk, now)
    return reminded, supervised


@transaction.atomic
def _remind(pk, now):
    row = _due_soon(now).select_for_update().filter(pk=pk).select_related("unit").first()
    if row is None:
        return 0
    row.reminded_at = now
    row.save(update_fields=["reminded_at"])
    title = _("Demand %(code)s is due within 24 hours") % {"code": row.code}
    notify([*staff_of(row.unit), row.owner_id], title=title, url=staff_url(row), unit=row.unit, kind="demand_due")
    return 1


@transaction.atomic
def _supervise(pk, now):
    row = _overdue(now).select_for_update().filter(pk=pk).select_related("unit").first()
    if row is None:
        return 0
    parent = row.unit.parent or row.unit
    late = _("response") if row.status == DemandStatus.PENDING else _("handling")
    row.supervised_at, row.supervising_unit = now, parent
    row.save(update_fields=["supervised_at", "supervising_unit"])
    DemandTransition.objects.create(
        demand=row,
        action=DemandAction.SUPERVISE,
        from_status=row.status,
        to_status=row.status,
        to_unit=parent,
        at=now,
        note=_("Past its %(limit)s limit: raised to %(unit)s") % {"limit": late, "unit": parent.name},
    )
    title = _("Supervision: demand %(code)s is past its %(limit)s limit") % {"code": row.code, "limit": late}
    notify(staff_of(parent), title=title, url=staff_url(row), unit=parent, kind="demand_supervised")
    notify([*staff_of(row.unit), row.owner_id], title=title, url=staff_url(row), unit=row.unit, kind="demand_overdue")
    return 1
