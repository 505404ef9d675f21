"""Keeping the counts each unit holds (models/counts.py) equal to the records, in the transaction
of every write.

A group says which records it counts (`records`), the lookup from a record to the unit holding it
(`unit`: "unit", "building", "post__unit", "activity__project__unit"), what splits the count
(`split`: {key part: expression}) or which hours it sums, and which models it follows: for each,
the lookup from a record of the group to that model ("pk" for the record itself) and the fields
whose change can move records between units or in or out of the group. A member who leaves takes
their report and their claims out of the counts; a service project moved to another unit takes
its activities and their hours along.

A write of a followed model recomputes the group's rows for the units it touches, before and
after: one GROUP BY over those units' records, then the rows replaced (portal/core/kept.py). The
units' rows are locked first on PostgreSQL (FOR NO KEY UPDATE), so two writers of one unit take
turns and the second counts the first's committed records. Recomputing rather than adding deltas
keeps the counts from drifting. Writes that send no signal (bulk_create, COPY, QuerySet.update:
the member and report imports, the demo, seed_scale) call `refresh()` after, for the units they
wrote or for everything; `manage.py unit_counts --check` lists any difference.
"""

import dataclasses
from collections.abc import Callable

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from portal.core import kept
from portal.core.money import MoneySum

from ..models import Unit, UnitCount

GROUPS = {}  # name: Group


@dataclasses.dataclass(frozen=True)
class Group:
    name: str
    records: Callable  # () -> the queryset of the records counted
    unit: str  # lookup from a record to the unit holding it
    follows: dict  # {model: (lookup from a record to it, (fields whose change matters))}
    split: dict = dataclasses.field(default_factory=dict)  # {key part: expression}
    hours: str = ""  # a two-decimal field to sum (kept in hundredths) instead of counting

    def counted(self, where=None):
        """[UnitCount] of the records (those matching the Q `where`), not saved."""
        records = self.records()
        if where is not None:
            records = records.filter(where)
        total = MoneySum(self.hours) if self.hours else Count("pk")
        rows = records.annotate(**self.split).values(self.unit, *self.split).annotate(counted_n=total).order_by()
        out = []
        for row in rows:
            n = round(row["counted_n"] * 100) if self.hours else row["counted_n"]
            if n:
                key = ":".join(str(row[part]) for part in self.split)
                out.append(UnitCount(unit_id=row[self.unit], group=self.name, key=key, n=n))
        return out

    def units_of(self, link, instance):
        """The units holding this group's records linked to `instance`, counted or not (a member
        who just left still names the unit to recount); read from the record itself when it holds
        its unit."""
        if link == "pk" and "__" not in self.unit:
            return {getattr(instance, instance._meta.get_field(self.unit).attname)} - {None}
        records = self.records().model._base_manager.filter(**{link: instance.pk})
        return set(records.values_list(self.unit, flat=True)) - {None}


def register(group):
    GROUPS[group.name] = group
    for model in group.follows:
        _connect(model)
    return group


def recount(name, unit_ids):
    """Recompute the rows of group `name` for the units `unit_ids`, inside the writing transaction."""
    group = GROUPS[name]
    unit_ids = {pk for pk in unit_ids if pk is not None}
    if not unit_ids:
        return
    with transaction.atomic(savepoint=False):
        kept.lock(Unit, unit_ids)
        rows = group.counted(Q(**{f"{group.unit}__in": unit_ids}))
        kept.replace(UnitCount, rows, Q(group=name, unit_id__in=unit_ids))


def refresh(names=None, unit_ids=None):
    """After writes that send no signal: recompute the groups `names` (every group when None) for
    the units `unit_ids`, or for every unit (None)."""
    for name in names or list(GROUPS):
        if unit_ids is not None:
            recount(name, unit_ids)
            continue
        with transaction.atomic():
            kept.replace(UnitCount, GROUPS[name].counted(), Q(group=name))


def differences():
    """Where the kept counts and a fresh count disagree: {(group, unit id, key): (kept, counted)}."""
    found = {}
    for name, group in GROUPS.items():
        counted = {(name, row.unit_id, row.key): row.n for row in group.counted()}
        kept_rows = UnitCount.objects.filter(group=name).values_list("unit_id", "key", "n")
        kept_now = {(name, unit_id, key): n for unit_id, key, n in kept_rows}
        for key in counted.keys() | kept_now.keys():
            if counted.get(key) != kept_now.get(key):
                found[key] = (kept_now.get(key), counted.get(key))
    return found


def figures(names, unit=None):
    """{group: {key: sum}} of the groups `names` over `unit`'s subtree (every unit: None), in one
    query; hours in hundredths. A group without rows is {}."""
    rows = UnitCount.objects.filter(group__in=names)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    out = {name: {} for name in names}
    for name, key, total in rows.values_list("group", "key").annotate(total=Sum("n")).order_by():
        out[name][key] = int(total)
    return out


def total(name, paths=None, key=None):
    """The sum of group `name` (its `key` only, when given) over the units under any of `paths`
    (every unit: None), in one query: a list's count without counting its records."""
    rows = UnitCount.objects.filter(group=name)
    if key is not None:
        rows = rows.filter(key=key)
    if paths is not None:
        within = Q(pk__in=[])
        for path in paths:
            within |= Q(unit__path__startswith=path)
        rows = rows.filter(within)
    return int(rows.aggregate(n=Sum("n"))["n"] or 0)


# The receivers: one set per followed model, whatever the number of groups following it.


def _following(model):
    return [(group, *group.follows[model]) for group in GROUPS.values() if model in group.follows]


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before an update: the units holding the records it may move, for each group whose fields
    it changes (one query for the old values, one per group whose records point to it)."""
    touched = {}
    if not raw and not instance._state.adding and instance.pk is not None:
        attname = {
            name: sender._meta.get_field(name).attname for _g, _l, fields in _following(sender) for name in fields
        }
        watched = _following(sender)
        if update_fields is not None:
            named = set(update_fields)
            watched = [(g, link, fields) for g, link, fields in watched if named & {*fields, *map(attname.get, fields)}]
        columns = {attname[name] for _g, _l, fields in watched for name in fields}
        old = sender._base_manager.filter(pk=instance.pk).values(*columns).first() if columns else None
        for group, link, fields in watched:
            if old is not None and all(old[attname[name]] == getattr(instance, attname[name]) for name in fields):
                continue
            if old is not None and link == "pk" and group.unit in attname:
                touched[group.name] = {old[attname[group.unit]]} - {None}  # the record's own unit
            else:
                touched[group.name] = group.units_of(link, instance)
    instance._unit_counts = touched


def _after_save(sender, instance, created=False, raw=False, **kwargs):
    touched = getattr(instance, "_unit_counts", {})
    instance._unit_counts = {}
    if raw:
        return
    for group, link, _fields in _following(sender):
        # A record just created holds its own unit; no other record can point to it yet.
        if (created and link == "pk") or group.name in touched:
            recount(group.name, touched.get(group.name, set()) | group.units_of(link, instance))


def _before_delete(sender, instance, **kwargs):
    instance._unit_counts = {group.name: group.units_of(link, instance) for group, link, _f in _following(sender)}


def _after_delete(sender, instance, **kwargs):
    for name, unit_ids in getattr(instance, "_unit_counts", {}).items():
        recount(name, unit_ids)


def _connect(model):
    uid = f"grids.unit_counts.{model._meta.label_lower}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}.pre_save")
    post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}.post_save")
    pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}.pre_delete")
    post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}.post_delete")
