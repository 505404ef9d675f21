"""Many records at once for the scale tests and benches (issue 15): building groups spread over a
district-sized square, and Party members, in bulk inserts with their paths set in one UPDATE."""

import random
from decimal import Decimal

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from grids.models import Level, Member, OrgKind, Unit
from tests.factory_members import make_member_unsaved


def make_buildings(grid, count, *, seed=15, lat=22.54, lng=114.05, span_deg=0.12, prefix="B"):
    """`count` building groups under `grid`, at random points of a square about 13 km wide."""
    rng = random.Random(seed)
    Unit.objects.bulk_create(
        Unit(
            level=Level.BUILDING,
            name=f"{prefix}{i + 1}栋",
            parent=grid,
            org_name=f"{prefix}{i + 1}栋党小组",
            org_kind=OrgKind.BUILDING_GROUP,
            latitude=Decimal(f"{lat + rng.uniform(-span_deg, span_deg) / 2:.6f}"),
            longitude=Decimal(f"{lng + rng.uniform(-span_deg, span_deg) / 2:.6f}"),
        )
        for i in range(count)
    )
    Unit.objects.filter(parent=grid, path="").update(
        path=Concat(Value(grid.path), Cast("pk", CharField()), Value("/"), output_field=CharField())
    )
    return Unit.objects.filter(parent=grid, level=Level.BUILDING)


def make_members(unit, count, *, prefix="党员"):
    """`count` Party members of `unit` in one bulk insert (identities never used before)."""
    return Member.objects.bulk_create(make_member_unsaved(unit, f"{prefix}{i}") for i in range(count))
