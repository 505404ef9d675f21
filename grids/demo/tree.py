"""The demo district: Futian (福田区), from shared/domain/000: 10 streets, 95 communities.

Grids and building groups below each community are generated with a fixed seed, at
WGS-84 coordinates inside Futian (lat 22.50–22.58, lng 114.00–114.10).
"""

import random
from decimal import Decimal

from django.db import transaction

from ..models import Level, OrgKind, Unit

DISTRICT = "福田区"

# street: (approximate centre lat, lng), communities. 华富 holds 梅岗, 莲花 holds 狮岭,
# 南园 holds 南华 (the brand projects of 000); the other names are plausible.
STREETS = {
    "园岭街道": ((22.553, 114.093), ["园岭", "百花", "红荔", "鹏盛", "华林", "南天", "长城", "八卦岭", "上林"]),
    "南园街道": ((22.538, 114.090), ["南华", "滨江", "南园", "巴登", "赤尾", "埔尾", "沙埔头", "玉田", "南村"]),
    "福田街道": (
        (22.526, 114.062),
        ["福田", "福安", "福山", "福南", "岗厦", "皇岗", "水围", "口岸", "福江", "渔农", "福民"],
    ),
    "沙头街道": (
        (22.522, 114.030),
        [
            "沙头",
            "上沙",
            "下沙",
            "沙尾",
            "沙嘴",
            "新沙",
            "天安",
            "金地",
            "新华",
            "翠湾",
            "石厦",
            "京海",
            "新洲",
            "绿洲",
        ],
    ),
    "香蜜湖街道": ((22.545, 114.022), ["香蜜", "香岭", "香安", "侨香", "东海", "竹林", "农园"]),
    "梅林街道": (
        (22.570, 114.045),
        ["梅林", "梅都", "梅河", "梅京", "梅亭", "梅丰", "孖岭", "上梅林", "下梅林", "新兴", "中康", "梅华", "翰林"],
    ),
    "莲花街道": (
        (22.556, 114.055),
        ["狮岭", "梅岭", "景华", "莲花北", "彩田", "康欣", "福中", "紫荆", "景田", "悦龙", "福新", "莲花一村"],
    ),
    "华富街道": ((22.550, 114.078), ["梅岗", "田面", "新田", "田心", "黄木岗", "翰岭", "华富", "笋岗", "莲花二村"]),
    "福保街道": ((22.508, 114.052), ["福保", "益田", "明月", "石厦北", "新港"]),
    "华强北街道": ((22.545, 114.085), ["华强北", "华航", "荔村", "通新岭", "华红", "福强"]),
}

LAT_RANGE = (22.50, 22.58)
LNG_RANGE = (114.00, 114.10)


def _clip(value, bounds):
    return min(max(value, bounds[0] + 0.001), bounds[1] - 0.001)


def _coord(value):
    return Decimal(f"{value:.6f}")


def seed_tree(rng):
    district = Unit.objects.create(
        level=Level.DISTRICT, name=DISTRICT, org_name="中共深圳市福田区委员会", code="440304"
    )
    for s_index, (street_name, ((lat, lng), communities)) in enumerate(STREETS.items(), start=1):
        street = Unit.objects.create(
            level=Level.STREET,
            parent=district,
            name=street_name,
            org_name=f"{street_name}党工委",
            code=f"440304{s_index:03d}",
        )
        for c_index, short in enumerate(communities, start=1):
            c_lat, c_lng = lat + rng.uniform(-0.007, 0.007), lng + rng.uniform(-0.007, 0.007)
            community = Unit.objects.create(
                level=Level.COMMUNITY,
                parent=street,
                name=f"{short}社区",
                org_name=f"{short}社区党委",
                code=f"440304{s_index:03d}{c_index:03d}",
            )
            for g_index in range(1, rng.randint(3, 5) + 1):
                kind = OrgKind.GRID_GENERAL_BRANCH if rng.random() < 0.3 else OrgKind.GRID_BRANCH
                grid = Unit.objects.create(
                    level=Level.GRID,
                    parent=community,
                    name=f"第{g_index}网格",
                    org_name=f"{short}社区第{g_index}网格党支部"
                    if kind == OrgKind.GRID_BRANCH
                    else f"{short}社区第{g_index}网格党总支",
                    org_kind=kind,
                )
                g_lat, g_lng = c_lat + rng.uniform(-0.003, 0.003), c_lng + rng.uniform(-0.003, 0.003)
                for b_index in range(1, rng.randint(2, 4) + 1):
                    number = g_index * 10 + b_index
                    Unit.objects.create(
                        level=Level.BUILDING,
                        parent=grid,
                        name=f"{number}栋",
                        org_name=f"{short}社区{number}栋党小组",
                        org_kind=OrgKind.BUILDING_GROUP,
                        latitude=_coord(_clip(g_lat + rng.uniform(-0.0012, 0.0012), LAT_RANGE)),
                        longitude=_coord(_clip(g_lng + rng.uniform(-0.0012, 0.0012), LNG_RANGE)),
                    )
    return district


@transaction.atomic
def seed(stdout=None):
    """Build the tree once; later runs leave an existing district alone."""
    if Unit.objects.filter(level=Level.DISTRICT, name=DISTRICT).exists():
        if stdout:
            stdout.write("tree: 福田区 already present, left as it is")
    else:
        seed_tree(random.Random(2018))
        if stdout:
            counts = {Level(level).label: Unit.objects.filter(level=level).count() for level in Level.values}
            stdout.write(f"tree: {counts}")
