"""The grids part of `manage.py seed_scale`: building groups and Party members on top of the demo
district, up to a district's size times a factor (issue 15: 1,112 building groups and 103,000
members at 1×). Deterministic (seeded by the factor), bulk inserts in batches, and additive: a
second run at the same factor adds nothing.
"""

import random
from datetime import date
from decimal import Decimal

from ..models import Category, Level, Member, Unit
from .members import _member

BUILDINGS_PER_FACTOR = 1_112
MEMBERS_PER_FACTOR = 103_000
BATCH = 2_000
FIRST_SCALE_NUMBER = 100_000  # ID-card sequence numbers after the demo's (fake_id_card)


def to_add(queryset, per_factor, factor):
    """(rows present, rows wanted, a generator seeded by both) for a table that should hold
    per_factor × factor rows; None when it already does (a second run adds nothing)."""
    have, target = queryset.count(), per_factor * factor
    if have >= target:
        return None
    return have, target, random.Random(f"{queryset.model._meta.label}-{factor}-{have}")


def seed_buildings(factor, stdout):
    """More building groups under the demo's grids, each near its grid's first building."""
    plan = to_add(Unit.objects.filter(level=Level.BUILDING), BUILDINGS_PER_FACTOR, factor)
    if plan is None:
        return 0
    have, target, rng = plan
    grids = list(Unit.objects.filter(level=Level.GRID).order_by("path"))
    anchors = {
        u.parent_id: u for u in Unit.objects.filter(level=Level.BUILDING, latitude__isnull=False).order_by("-path")
    }
    new = []
    for n in range(have, target):
        grid = grids[n % len(grids)]
        anchor = anchors.get(grid.pk)
        lat = lng = None
        if anchor is not None:
            lat = (anchor.latitude + Decimal(rng.randint(-900, 900)) / 1_000_000).quantize(Decimal("0.000001"))
            lng = (anchor.longitude + Decimal(rng.randint(-900, 900)) / 1_000_000).quantize(Decimal("0.000001"))
        new.append(Unit(name=f"{grid.name}{n + 1}栋", level=Level.BUILDING, parent=grid, latitude=lat, longitude=lng))
    for start in range(0, len(new), BATCH):
        batch = Unit.objects.bulk_create(new[start : start + BATCH])
        parents = {grid.pk: grid.path for grid in grids}
        for unit in batch:
            unit.path = f"{parents[unit.parent_id]}{unit.pk}/"
        Unit.objects.bulk_update(batch, ["path"], batch_size=BATCH)
    stdout.write(f"building groups: {len(new):,} added ({target:,} in all)")
    return len(new)


def seed_members(factor, stdout):
    plan = to_add(Member.objects.all(), MEMBERS_PER_FACTOR, factor)
    if plan is None:
        return 0
    have, target, rng = plan
    today = date.today()
    buildings = list(Unit.objects.filter(level=Level.BUILDING).order_by("pk").values_list("pk", flat=True))
    grids = list(Unit.objects.filter(level=Level.GRID).order_by("pk").values_list("pk", flat=True))
    units = {u.pk: u for u in Unit.objects.filter(level__gte=Level.GRID).only("pk", "name", "level")}
    added = 0
    while have + added < target:
        batch = []
        for _ in range(min(BATCH, target - have - added)):
            n = FIRST_SCALE_NUMBER + have + added + len(batch)
            category = rng.choices(Category.values, weights=[6, 3, 1])[0]
            pool = buildings if category == Category.IN_SERVICE or rng.random() < 0.5 else grids
            batch.append(_member(rng, n, units[pool[n % len(pool)]], category, today))
        Member.objects.bulk_create(batch, batch_size=BATCH)
        added += len(batch)
    stdout.write(f"members: {added:,} added ({target:,} in all)")
    return added
