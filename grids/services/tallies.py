"""Tallies of the tree kept by a job for the dashboards (issue 12; grids/models/tallies.py): a
kind registers how to count its records per unit holding them (`register`); the scheduled job
`dashboard_tallies` recomputes every kind whose tables changed (or whose day turned) since it was
last counted, and `subtree` hands a dashboard the figures of a unit's children from the kept rows,
or None when they are not the current ones (the dashboard then counts from the records).

Freshness: the stamp is the versions of the kind's tables (portal/core/pagecache.py, bumped by
every write and after bulk writes), read before counting. A write that commits while the job
counts bumps them again, so the stamp it keeps is already old and the next run counts again: a
reader never takes rows that miss a write it could see, except for a kind registered with a lag
(the members'), whose last count is read for that long after it was made, marked as such
(`Kept.behind_since`), while the job catches up."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from portal.core import pagecache

from ..models import Unit, UnitTally
from ..stats.figures import OWN
from .jobs import scheduled

KINDS = {}  # name: (tables, count(day) -> {unit id: {figure: number}})
LAGS = {}  # name: how long after its count a tally whose tables have changed is still read
# Bumped when a tally is written: the dashboard sections built from a tally name it among their
# tables, so a section built while the tally lagged is built again once the job has counted.
TAG = "grids.unittally"


def register(name, tables, *, lag=None):
    """Declare a tally: `count(day)` gives additive numbers per unit holding records itself.
    `lag` (a timedelta) lets a reader take the tally counted that recently even though its tables
    changed since, saying so (`Kept.behind_since`), where counting from the records instead would
    take seconds; the job counts it again within a minute. Without it a changed tally is not read."""

    def decorate(count):
        KINDS[name] = (tuple(tables), count)
        if lag is not None:
            LAGS[name] = lag
        return count

    return decorate


class Kept(dict):
    """{child id or OWN: figures} read from a tally; `behind_since` is when it was counted if its
    tables have changed since (a write in the minute before the job's next count), else None."""

    behind_since = None


def stamp(name):
    tables, _count = KINDS[name]
    return ",".join(pagecache.versions(tables))


def refresh(name, day, *, force=False):
    """Count the tally `name` as of `day` unless the kept one is current; the number of rows kept
    (0 when nothing needed counting)."""
    current = stamp(name)
    kept = UnitTally.objects.filter(kind=name, unit_pk__isnull=True).values_list("as_of", "stamp").first()
    if not force and kept == (day, current):
        return 0
    _tables, count = KINDS[name]
    totals, parents = subtree_totals(count(day))
    rows = [
        UnitTally(kind=name, unit_pk=None, as_of=day, stamp=current, values={"counted_at": timezone.now().isoformat()})
    ]
    rows += [
        UnitTally(kind=name, unit_pk=pk, parent_pk=parents[pk], as_of=day, stamp=current, values=values)
        for pk, values in totals.items()
    ]
    try:
        with transaction.atomic():
            UnitTally.objects.filter(kind=name).delete()
            UnitTally.objects.bulk_create(rows, batch_size=2000)
    except IntegrityError:  # another worker kept the same tally a moment ago
        return 0
    pagecache.bump(TAG)
    return len(rows)


def subtree_totals(by_unit):
    """({unit id: sums of the unit and every unit below it}, {unit id: parent id}) from the
    numbers of the units holding the records themselves."""
    paths = dict(Unit.objects.filter(pk__in=list(by_unit)).values_list("pk", "path"))
    totals, parents = {}, {}
    for pk, values in by_unit.items():
        ids = [int(part) for part in paths[pk].strip("/").split("/")]
        for depth, ancestor in enumerate(ids):
            parents[ancestor] = ids[depth - 1] if depth else None
            bucket = totals.setdefault(ancestor, {})
            for key, value in values.items():
                bucket[key] = bucket.get(key, 0) + (value or 0)
    return totals, parents


def subtree(name, unit, day):
    """{child id or OWN: figures} of `unit` from the kept tally counted on `day`, as
    grids.stats.figures.rollup gives them (a Kept); None when the kept tally is not the current
    one, unless its kind allows a lag and it was counted within it."""
    rows = list(
        UnitTally.objects.filter(kind=name)
        .filter(Q(unit_pk__isnull=True) | Q(unit_pk=unit.pk) | Q(parent_pk=unit.pk))
        .values_list("unit_pk", "as_of", "stamp", "values")
    )
    kept = next(((as_of, kept, values) for pk, as_of, kept, values in rows if pk is None), None)
    if kept is None or kept[0] != day:
        return None
    out = Kept()
    if kept[1] != stamp(name):
        counted_at = kept[2].get("counted_at")
        counted_at = datetime.datetime.fromisoformat(counted_at) if counted_at else None
        if name not in LAGS or counted_at is None or timezone.now() - counted_at > LAGS[name]:
            return None
        out.behind_since = counted_at
    whole = next((values for pk, _as_of, _stamp, values in rows if pk == unit.pk), None)
    if whole is None:
        return out
    out.update({pk: values for pk, _as_of, _stamp, values in rows if pk not in (None, unit.pk)})
    own = {key: value - sum(child.get(key, 0) for child in out.values()) for key, value in whole.items()}
    if any(own.values()):
        out[OWN] = own
    return out


@scheduled("dashboard_tallies", every=datetime.timedelta(minutes=1))
def refresh_all(today=None):
    """Recount every tally whose tables changed or whose day turned (a cheap check otherwise)."""
    today = today or datetime.date.today()
    return sum(refresh(name, today) for name in KINDS)
