"""Futian's "1+95+N" network (shared/domain/000): 1 district, 95 community, 20 new-domain centers.

Each community center stands near the middle of its community's building groups; a few are
set off to one side (an old building on the edge of the community), so that most building
groups, but not all, are within 1 km of a center. Fixed seed: deterministic and idempotent.
"""

import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg

from grids.demo.tree import LAT_RANGE, LNG_RANGE
from grids.models import Level, Unit

from ..models import Center, Kind, Service, Status, SubKind
from .hours import HOURS, add_hours
from .rooms import add_rooms

# (name, sub-kind, street): plausible new-domain sites of Futian (车公庙, 华强北, 中心区 ...).
NEW_DOMAIN = [
    ("卓越世纪中心", SubKind.OFFICE_BUILDING, "福田街道"),
    ("平安金融中心", SubKind.OFFICE_BUILDING, "福田街道"),
    ("星河发展中心", SubKind.OFFICE_BUILDING, "福田街道"),
    ("大中华国际交易广场", SubKind.OFFICE_BUILDING, "福田街道"),
    ("车公庙天安数码城", SubKind.INDUSTRIAL_PARK, "沙头街道"),
    ("泰然工贸园", SubKind.INDUSTRIAL_PARK, "沙头街道"),
    ("深业泰然大厦", SubKind.OFFICE_BUILDING, "沙头街道"),
    ("华强北商圈", SubKind.MARKET, "华强北街道"),
    ("赛格广场", SubKind.MARKET, "华强北街道"),
    ("华强电子世界", SubKind.MARKET, "华强北街道"),
    ("八卦岭产业园", SubKind.INDUSTRIAL_PARK, "园岭街道"),
    ("上步工业区", SubKind.INDUSTRIAL_PARK, "园岭街道"),
    ("福田保税区", SubKind.INDUSTRIAL_PARK, "福保街道"),
    ("深港科技创新合作区", SubKind.INDUSTRIAL_PARK, "福保街道"),
    ("香蜜湖金融街", SubKind.OFFICE_BUILDING, "香蜜湖街道"),
    ("梅林关商业区", SubKind.MARKET, "梅林街道"),
    ("中康商圈", SubKind.MARKET, "梅林街道"),
    ("福田CBD中心区", SubKind.OFFICE_BUILDING, "莲花街道"),
    ("东门南园商圈", SubKind.MARKET, "南园街道"),
    ("笋岗物流园", SubKind.INDUSTRIAL_PARK, "华富街道"),
]

DISTRICT_CENTER = ("福田区党群服务中心", 22.5431, 114.0579, "深圳市福田区福中三路市民中心")
OFF_CENTER_EVERY = 9  # every 9th community center stands on the edge of its community
# The grids demo packs every community tightly around its street, so every building would be
# within 1 km. Move a few building groups of 香蜜湖街道 out to estates on the district's
# western edge (still inside its box) so that coverage has gaps to show.
OUTLYING = {"香蜜湖街道": (0.0, -0.014)}
OUTLYING_EVERY = 6


def _make(rng, services, *, name, kind, owner, lat, lng, address, sub_kind="", breaking=False, pattern=None):
    center = Center.objects.create(
        name=name,
        kind=kind,
        sub_kind=sub_kind,
        owner=owner,
        address=address,
        latitude=round(lat, 6),
        longitude=round(lng, 6),
        phone=f"0755-8{rng.randint(0, 9_999_999):07d}",
        introduction=f"{name}坚持党建引领，为辖区党员群众提供党员教育、政务服务、志愿服务等一站式服务。",
        status=Status.OPERATING,
    )
    center.services.set(rng.sample(services, rng.randint(3, min(6, len(services)))))
    add_hours(center, pattern if pattern is not None else rng.choice(HOURS))
    add_rooms(rng, center, breaking=breaking)
    return center


@transaction.atomic
def seed(stdout=None):
    district = Unit.objects.filter(level=Level.DISTRICT, name="福田区").first()
    if district is None:
        return
    if Center.objects.filter(owner=district, kind=Kind.DISTRICT).exists():
        if stdout:
            stdout.write("centers: already present, left as they are")
        return
    rng = random.Random(116)
    services = list(Service.objects.all())
    name, lat, lng, address = DISTRICT_CENTER
    _make(
        rng,
        services,
        name=name,
        kind=Kind.DISTRICT,
        owner=district,
        lat=lat,
        lng=lng,
        address=address,
        pattern=HOURS[2],
    )
    # One aggregate query for the middle of every community's building groups.
    middles = {
        row["parent__parent"]: (float(row["lat"]), float(row["lng"]))
        for row in Unit.objects.filter(level=Level.BUILDING, latitude__isnull=False)
        .values("parent__parent")
        .annotate(lat=Avg("latitude"), lng=Avg("longitude"))
        .order_by()
    }
    communities = Unit.objects.filter(level=Level.COMMUNITY, path__startswith=district.path).select_related("parent")
    for index, community in enumerate(communities.order_by("path"), start=1):
        c_lat, c_lng = middles.get(community.pk, (lat, lng))
        if index % OFF_CENTER_EVERY == 0:
            # On the edge of the community: about 900 m from the middle of its buildings.
            c_lat, c_lng = c_lat + rng.choice([-1, 1]) * 0.0075, c_lng + rng.choice([-1, 1]) * 0.0045
        else:
            c_lat, c_lng = c_lat + rng.uniform(-0.0008, 0.0008), c_lng + rng.uniform(-0.0008, 0.0008)
        _make(
            rng,
            services,
            name=f"{community.name}党群服务中心",
            kind=Kind.COMMUNITY,
            owner=community,
            lat=c_lat,
            lng=c_lng,
            address=f"深圳市福田区{community.parent.name}{community.name}{rng.randint(1, 99)}号",
            breaking=index % 13 == 0,
        )
    streets = {unit.name: unit for unit in Unit.objects.filter(level=Level.STREET, path__startswith=district.path)}
    for site, sub_kind, street_name in NEW_DOMAIN:
        street = streets.get(street_name)
        if street is None:
            continue
        s_lat, s_lng = middles_of_street(street)
        _make(
            rng,
            services,
            name=f"{site}党群服务中心",
            kind=Kind.NEW_DOMAIN,
            sub_kind=sub_kind,
            owner=street,
            lat=s_lat + rng.uniform(-0.006, 0.006),
            lng=s_lng + rng.uniform(-0.006, 0.006),
            address=f"深圳市福田区{street_name}{site}",
            pattern=HOURS[1],
        )
    moved = _move_outlying_buildings(streets)
    if stdout:
        stdout.write(
            f"centers: {Center.objects.count()} (1 district + 95 community + 20 new-domain); {moved} outlying building groups"
        )


def _within(value, bounds):
    low, high = (Decimal(str(bound)) for bound in bounds)
    return min(max(value, low + Decimal("0.001")), high - Decimal("0.001"))


def _move_outlying_buildings(streets):
    moved = []
    for street_name, (d_lat, d_lng) in OUTLYING.items():
        street = streets.get(street_name)
        if street is None:
            continue
        buildings = Unit.objects.under(street).filter(level=Level.BUILDING, latitude__isnull=False).order_by("path")
        for building in list(buildings)[::OUTLYING_EVERY]:
            # Still inside the district's box, as the grids demo promises (lat 22.50–22.58, lng 114.00–114.10).
            building.latitude = _within(building.latitude + Decimal(str(d_lat)), LAT_RANGE)
            building.longitude = _within(building.longitude + Decimal(str(d_lng)), LNG_RANGE)
            moved.append(building)
    Unit.objects.bulk_update(moved, ["latitude", "longitude"])
    return len(moved)


def middles_of_street(street):
    point = Unit.objects.under(street).filter(level=Level.BUILDING).aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
    return float(point["lat"]), float(point["lng"])
