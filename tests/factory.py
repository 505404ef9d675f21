"""A small hand-written factory: a two-street tree and one user per role.

    district 福田区 ── street 华富街道 ── community 梅岗社区 ── grid 第1网格 ── building 11栋
                   └─ street 莲花街道 ── community 狮岭社区 ── grid 第1网格 ── building 11栋

Users: district_admin (管理员 of the district), huafu (工作人员 of 华富), lianhua (工作人员 of
莲花), meigang (工作人员 of 梅岗), viewer (查看 of 华富), nobody (no assignment).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model

from grids.models import Assignment, Level, OrgKind, Role, Unit

PASSWORD = "Test@2026"


def make_unit(level, name, parent=None, **extra):
    if level == Level.BUILDING:
        extra.setdefault("latitude", Decimal("22.550000"))
        extra.setdefault("longitude", Decimal("114.080000"))
        extra.setdefault("org_kind", OrgKind.BUILDING_GROUP)
    if level == Level.GRID:
        extra.setdefault("org_kind", OrgKind.GRID_BRANCH)
    return Unit.objects.create(level=level, name=name, parent=parent, org_name=f"{name}党组织", **extra)


def make_user(username, unit=None, role=Role.STAFF, **extra):
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True, **extra)
    if unit is not None:
        Assignment.objects.create(user=user, unit=unit, role=role)
    return user


@dataclass
class Tree:
    district: Unit
    street1: Unit
    community1: Unit
    grid1: Unit
    building1: Unit
    street2: Unit
    community2: Unit
    grid2: Unit
    building2: Unit


def make_tree():
    district = make_unit(Level.DISTRICT, "福田区", code="440304")
    street1 = make_unit(Level.STREET, "华富街道", district, code="440304008")
    community1 = make_unit(Level.COMMUNITY, "梅岗社区", street1, code="440304008001")
    grid1 = make_unit(Level.GRID, "第1网格", community1)
    building1 = make_unit(Level.BUILDING, "11栋", grid1)
    street2 = make_unit(Level.STREET, "莲花街道", district, code="440304007")
    community2 = make_unit(Level.COMMUNITY, "狮岭社区", street2, code="440304007001")
    grid2 = make_unit(Level.GRID, "第1网格", community2)
    building2 = make_unit(Level.BUILDING, "11栋", grid2, latitude=Decimal("22.556"), longitude=Decimal("114.055"))
    return Tree(district, street1, community1, grid1, building1, street2, community2, grid2, building2)


@dataclass
class People:
    superuser: object
    district_admin: object
    huafu: object
    lianhua: object
    meigang: object
    viewer: object
    nobody: object


def make_people(tree):
    return People(
        superuser=get_user_model().objects.create_superuser("root", password=PASSWORD),
        district_admin=make_user("district_admin", tree.district, Role.ADMIN),
        huafu=make_user("huafu", tree.street1, Role.STAFF),
        lianhua=make_user("lianhua", tree.street2, Role.STAFF),
        meigang=make_user("meigang", tree.community1, Role.STAFF),
        viewer=make_user("viewer", tree.street1, Role.VIEWER),
        nobody=make_user("nobody"),
    )
