"""Centers for tests: one call gives a center with weekly hours, rooms and services."""

import datetime as dt
from decimal import Decimal

from centers.models import Center, Closure, Kind, OpeningInterval, Room, RoomKind, Service, Status

T = dt.time
# 错时服务: a noon gap, closed on Mondays.
STAGGERED = {d: [(T(8, 30), T(12)), (T(14), T(21))] for d in range(1, 7)}


def make_center(owner, name=None, *, lat=22.55, lng=114.08, kind=Kind.COMMUNITY, hours=None, **extra):
    center = Center.objects.create(
        name=name or f"{owner.name}党群服务中心",
        kind=kind,
        owner=owner,
        address=f"深圳市福田区{owner.name}1号",
        latitude=lat,
        longitude=lng,
        status=extra.pop("status", Status.OPERATING),
        **extra,
    )
    set_hours(center, STAGGERED if hours is None else hours)
    return center


def set_hours(center, weekly):
    center.intervals.all().delete()
    OpeningInterval.objects.bulk_create(
        OpeningInterval(center=center, weekday=day, opens=o, closes=c)
        for day, spans in weekly.items()
        for o, c in spans
    )


def add_rooms(center, *rooms):
    """rooms: (kind, area) pairs."""
    return Room.objects.bulk_create(Room(center=center, kind=kind, area=Decimal(str(area))) for kind, area in rooms)


def add_closure(center, date, reason="设备检修"):
    return Closure.objects.create(center=center, date=date, reason=reason)


def service(name="党员教育"):
    return Service.objects.get_or_create(name=name)[0]


__all__ = ["RoomKind", "make_center", "set_hours", "add_rooms", "add_closure", "service"]
