"""Keeping the hours per service project and month (models/hours.py) equal to the service records.

A write recomputes the (project, Shanghai month of the activity's start) keys it touches from the
records themselves: one sum per key over that project's records of that month (read through the
index on the activities' start), then the keys' rows are replaced. Recomputing rather than adding
deltas keeps the totals from drifting (a retried write cannot be counted twice), as the funnel's
totals do (services/funnel.py), and the work stays bounded: a key is one project's month.

Receivers on ServiceRecord (save, delete) and on Activity (a change of its start or its project
moves its records between keys) do it in the transaction of the write, whoever writes (the
services, the admin, the tests). Writes that send no signal (bulk_create, QuerySet.update:
seed_scale, the benchmarks) call `refresh()` after; `manage.py hours_totals` rebuilds everything
or, with --check, reports any difference.

Concurrent writes to one project's hours are serialised by a lock on the project's row (FOR NO KEY
UPDATE: it does not conflict with the key-share locks that inserting its activities takes), taken
before reading; the second writer's sum then sees the first one's committed records.
"""

import datetime

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from portal.core import kept

from ..models.activities import Activity, ServiceRecord
from ..models.hours import ServiceHoursTotal
from ..models.service import ServiceProject


def month_of(moment):
    """The first day of the Shanghai month an activity starting at `moment` counts in."""
    return timezone.localtime(moment).date().replace(day=1)


def month_bounds(month):
    zone = timezone.get_current_timezone()
    following = datetime.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    start = datetime.datetime.combine(month, datetime.time.min)
    return timezone.make_aware(start, zone), timezone.make_aware(
        datetime.datetime.combine(following, start.time()), zone
    )


def grouped_hours(records):
    """{(project id, first day of the month): hours} of the service records `records`, one GROUP BY."""
    rows = (
        records.annotate(month=TruncMonth("activity__starts_at", tzinfo=timezone.get_current_timezone()))
        .values("activity__project_id", "month")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    out = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        out[(row["activity__project_id"], month)] = row["hours"]
    return out


def _keys_q(keys, prefix=""):
    condition = Q(pk__in=[])
    for project_id, month in keys:
        start, end = month_bounds(month)
        condition |= Q(
            **{f"{prefix}project_id": project_id, f"{prefix}starts_at__gte": start, f"{prefix}starts_at__lt": end}
        )
    return condition


def refresh(keys=None):
    """Recompute the hours of the (project id, month) `keys`, or of everything (None, after a bulk
    write). Call it inside the writing transaction."""
    with transaction.atomic(savepoint=False):
        gone = None
        if keys is None:
            totals = grouped_hours(ServiceRecord.objects.all())
        else:
            keys = sorted(set(keys))
            if not keys:
                return
            kept.lock(ServiceProject, {p for p, _m in keys})
            totals = grouped_hours(ServiceRecord.objects.filter(_keys_q(keys, "activity__")))
            gone = Q(pk__in=[])
            for project_id, month in keys:
                gone |= Q(project_id=project_id, month=month)
        rows = (ServiceHoursTotal(project_id=p, month=m, hours=h) for (p, m), h in totals.items() if h)
        kept.replace(ServiceHoursTotal, rows, gone)


def differences():
    """Where the kept hours and a fresh count disagree: {(project id, month): (kept, counted)}."""
    counted = {key: hours for key, hours in grouped_hours(ServiceRecord.objects.all()).items() if hours}
    kept = {(row.project_id, row.month): row.hours for row in ServiceHoursTotal.objects.all()}
    return {
        key: (kept.get(key), counted.get(key))
        for key in kept.keys() | counted.keys()
        if kept.get(key) != counted.get(key)
    }


# The receivers.


def _activity_keys(*activity_ids):
    rows = Activity.objects.filter(pk__in={pk for pk in activity_ids if pk}).values_list("project_id", "starts_at")
    return {(project_id, month_of(starts)) for project_id, starts in rows}


def _before_record_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._hours_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not {"activity", "activity_id", "hours"} & set(update_fields):
        instance._hours_before = "unchanged"
        return
    instance._hours_before = ServiceRecord.objects.filter(pk=instance.pk).values_list("activity_id", "hours").first()


def _after_record_save(sender, instance, raw=False, **kwargs):
    before = getattr(instance, "_hours_before", None)
    instance._hours_before = None
    if raw or before == "unchanged" or before == (instance.activity_id, instance.hours):
        return
    refresh(_activity_keys(instance.activity_id, before[0] if before else None))


def _after_record_delete(sender, instance, **kwargs):
    refresh(_activity_keys(instance.activity_id))


def _before_activity_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._hours_before = None
    if raw or instance._state.adding or instance.pk is None:
        return  # a new activity has no records yet
    if update_fields is not None and not {"project", "project_id", "starts_at"} & set(update_fields):
        return
    instance._hours_before = Activity.objects.filter(pk=instance.pk).values_list("project_id", "starts_at").first()


def _after_activity_save(sender, instance, raw=False, **kwargs):
    before = getattr(instance, "_hours_before", None)
    instance._hours_before = None
    if raw or before is None:
        return
    old, new = (before[0], month_of(before[1])), (instance.project_id, month_of(instance.starts_at))
    if old != new and instance.service_records.exists():
        refresh({old, new})


def connect():
    """Called by the app's ready()."""
    pre_save.connect(_before_record_save, sender=ServiceRecord, dispatch_uid="projects.hours.record_pre_save")
    post_save.connect(_after_record_save, sender=ServiceRecord, dispatch_uid="projects.hours.record_post_save")
    post_delete.connect(_after_record_delete, sender=ServiceRecord, dispatch_uid="projects.hours.record_delete")
    pre_save.connect(_before_activity_save, sender=Activity, dispatch_uid="projects.hours.activity_pre_save")
    post_save.connect(_after_activity_save, sender=Activity, dispatch_uid="projects.hours.activity_post_save")
