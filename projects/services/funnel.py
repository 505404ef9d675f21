"""Keeping the funnel's totals (models/funnel.py) equal to the projects and their spending.

A write recomputes the totals of the (community, Shanghai year of proposal) keys it touches from
the records themselves: one GROUP BY of the projects and one of the expenditures over those keys
(read on the funnel index, a community's year at a time), then the keys' rows are replaced by a
row per status and category that holds projects.
Recomputing rather than adding deltas is what keeps the totals from drifting (a retried or
half-seen write cannot be counted twice), and it stays bounded: a key holds one community's
projects of one year.

Receivers on MicroProject and Expenditure do it for every save and delete (the services, the
admin, the tests), in the transaction of the write: the workflow in services/micro.py and
services/funds.py does not have to remember it, and a write that forgot could not be seen
anywhere but on this page. A project's update recomputes its old key and its new one (a change
of community or of the date proposed moves it between keys). Writes that send no signal
(bulk_create, QuerySet.update: the demo, seed_scale, the benchmarks) call `refresh()` after;
`manage.py funnel_totals` rebuilds everything or, with --check, reports any difference.

Concurrent writes to one key are serialised by a lock on the community's row (FOR NO KEY UPDATE:
it does not conflict with the key-share locks the projects' own inserts take on it), taken
before reading; the second writer's GROUP BY then sees the first one's committed rows.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from grids.models import Unit
from portal.core import kept
from portal.core.money import ZERO, MoneySum, coalesce_money

from ..models.funds import Expenditure
from ..models.funnel import MicroFunnelTotal
from ..models.micro import MicroProject
from ..stats.micro import local_year

# The fields of a project the totals depend on: its key and what is counted.
KEY_FIELDS = {"community", "community_id", "proposed_at"}
COUNTED_FIELDS = KEY_FIELDS | {"status", "category", "approved_amount"}
FIGURES = ("projects", "approved", "approved_amount", "spent")


def year_of(moment):
    """The Shanghai year a project proposed at `moment` counts in."""
    return timezone.localtime(moment).year


def _year_range(year):
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def _keys_q(keys, prefix=""):
    condition = Q(pk__in=[])
    for community_id, year in keys:
        start, end = _year_range(year)
        condition |= Q(
            **{
                f"{prefix}community_id": community_id,
                f"{prefix}proposed_at__gte": start,
                f"{prefix}proposed_at__lt": end,
            }
        )
    return condition


def grouped_totals(projects, spending):
    """{(community id, year, status, category): figures} of `projects` and of the expenditures `spending`
    (those of the same projects), in two GROUP BY queries. Takes the managers or querysets of
    the migration's historical models too."""
    totals = {}
    counted = (
        projects.annotate(year=local_year("proposed_at"))
        .values("community_id", "year", "status", "category")
        .annotate(
            projects=Count("pk"),
            approved=Count("pk", filter=Q(approved_amount__isnull=False)),
            approved_amount=coalesce_money(MoneySum("approved_amount")),
        )
        .order_by()
    )
    for row in counted:
        key = (row["community_id"], row["year"], row["status"], row["category"])
        totals[key] = {name: row[name] for name in FIGURES[:3]} | {"spent": ZERO}
    spent = (
        spending.annotate(year=local_year("project__proposed_at"))
        .values("project__community_id", "year", "project__status", "project__category")
        .annotate(total=coalesce_money(MoneySum("amount")))
        .order_by()
    )
    for row in spent:
        key = (row["project__community_id"], row["year"], row["project__status"], row["project__category"])
        # An expenditure always has its project, so its key was counted above.
        totals.setdefault(key, dict.fromkeys(FIGURES, 0))["spent"] = row["total"]
    return totals


def refresh(keys=None):
    """Recompute the totals of the (community id, year) `keys`, or of everything (None, after a
    bulk write: the demo, seed_scale, an import). Call it inside the writing transaction."""
    with transaction.atomic(savepoint=False):
        gone = None
        if keys is None:
            totals = grouped_totals(MicroProject.objects.all(), Expenditure.objects.all())
        else:
            keys = sorted(set(keys))
            if not keys:
                return
            kept.lock(Unit, {c for c, _y in keys})
            totals = grouped_totals(
                MicroProject.objects.filter(_keys_q(keys)), Expenditure.objects.filter(_keys_q(keys, "project__"))
            )
            # The keys' rows are replaced, not upserted: a status or category a project just left
            # must drop out (the lock above keeps a second writer of the key waiting meanwhile).
            gone = Q(pk__in=[])
            for community_id, year in keys:
                gone |= Q(community_id=community_id, year=year)
        rows = (
            MicroFunnelTotal(community_id=c, year=y, status=s, category=k, **figures)
            for (c, y, s, k), figures in totals.items()
        )
        kept.replace(MicroFunnelTotal, rows, gone)


def differences():
    """Where the kept totals and a fresh count disagree: {(community id, year, status, category): (kept,
    counted)}, empty when they agree (rows of zeros count as absent)."""
    counted = grouped_totals(MicroProject.objects.all(), Expenditure.objects.all())
    kept = {
        (row.community_id, row.year, row.status, row.category): {name: getattr(row, name) for name in FIGURES}
        for row in MicroFunnelTotal.objects.filter(projects__gt=0)
    }
    return {
        key: (kept.get(key), counted.get(key))
        for key in kept.keys() | counted.keys()
        if kept.get(key) != counted.get(key)
    }


# The receivers.


def _before_project_save(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._funnel_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not COUNTED_FIELDS & set(update_fields):
        instance._funnel_before = "unchanged"  # progress, reserved amount …: no query
        return
    instance._funnel_before = (
        MicroProject.objects.filter(pk=instance.pk)
        .values_list("community_id", "proposed_at", "status", "category", "approved_amount")
        .first()
    )


def _after_project_save(sender, instance, raw=False, update_fields=None, **kwargs):
    before = getattr(instance, "_funnel_before", None)
    instance._funnel_before = None
    if raw or before == "unchanged":
        return
    after = (instance.community_id, instance.proposed_at, instance.status, instance.category, instance.approved_amount)
    if before is not None and update_fields is not None and not KEY_FIELDS & set(update_fields):
        after = (*before[:2], *after[2:])  # the key columns were not written
    if before == after:
        return
    keys = {(after[0], year_of(after[1]))}
    if before is not None:
        keys.add((before[0], year_of(before[1])))
    refresh(keys)


def _after_project_delete(sender, instance, **kwargs):
    refresh({(instance.community_id, year_of(instance.proposed_at))})


def _after_spending(sender, instance, raw=False, **kwargs):
    if raw:
        return
    project = instance._state.fields_cache.get("project")
    if project is not None:
        community_id, proposed_at = project.community_id, project.proposed_at
    else:
        community_id, proposed_at = MicroProject.objects.values_list("community_id", "proposed_at").get(
            pk=instance.project_id
        )
    refresh({(community_id, year_of(proposed_at))})


def connect():
    """Called by the app's ready()."""
    pre_save.connect(_before_project_save, sender=MicroProject, dispatch_uid="projects.funnel.pre_save")
    post_save.connect(_after_project_save, sender=MicroProject, dispatch_uid="projects.funnel.post_save")
    post_delete.connect(_after_project_delete, sender=MicroProject, dispatch_uid="projects.funnel.post_delete")
    post_save.connect(_after_spending, sender=Expenditure, dispatch_uid="projects.funnel.spending_save")
    post_delete.connect(_after_spending, sender=Expenditure, dispatch_uid="projects.funnel.spending_delete")
