"""Demo Party members for every community of the demo district: a few dozen each, all three
categories, reports to building groups, service posts and claims (shared/domain/002, 003).

ID-card numbers have a valid GB 11643 check digit but the address code 99xxxx, which no
region has, so they belong to no real person. Mobile numbers use the 1380013xxxx test block.
Deterministic (fixed seed) and idempotent (a district with members is left alone).
"""

import random
from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction

from portal.core.personal import id_check_character

from ..models import (
    Category,
    Education,
    Gender,
    Level,
    Member,
    MemberStatus,
    PostClaim,
    PostKind,
    Report,
    ServicePost,
    Unit,
)

MEMBERS_PER_COMMUNITY = (24, 40)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文斌宇浩凯鹏辉鑫颖琳晨欣怡博雪峰海燕"
OUTSIDE_ORGS = [
    "深圳市福田区教育局机关党委",
    "深圳市某国有企业党委",
    "深圳市福田区人民医院党委",
    "广东省某科研院所党总支",
    "深圳市某区属事业单位党支部",
]
WORKPLACES = ["福田区政府机关", "社区工作站", "某科技公司", "某商业银行", "某中学", "退休", "个体经营", "某律师事务所"]
POSTS = [
    (PostKind.BUILDING_ASSISTANT, "楼栋长助理", 2),
    (PostKind.WASTE_SORTING, "垃圾分类督导", 4),
    (PostKind.SAFETY_PATROL, "平安巡逻", 6),
    (PostKind.CARE, "关爱帮扶", 5),
    (PostKind.CIVILISATION, "文明劝导", 3),
]


def fake_id_card(n, birth, gender):
    """A GB 11643 number with a valid check digit and the fake address code 99xxxx."""
    order = (n % 500) * 2 + (1 if gender == Gender.MALE else 0)
    first17 = f"99{n // 500 % 10000:04d}{birth:%Y%m%d}{order:03d}"
    return first17 + id_check_character(first17)


def fake_mobile(n):
    return f"1380013{n % 10000:04d}"


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _member(rng, n, unit, category, today):
    gender = Gender.MALE if rng.random() < 0.55 else Gender.FEMALE
    birth = date(rng.randint(1940, 2000), rng.randint(1, 12), rng.randint(1, 28))
    joined = _add_years(birth, rng.randint(18, 45)) + timedelta(days=rng.randint(0, 300))
    joined = min(joined, today - timedelta(days=30))
    probationary = (today - joined).days < 365
    member = Member(
        name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
        gender=gender,
        birth_date=birth,
        education=rng.choice(Education.values),
        joined_on=joined,
        full_member_on=None if probationary else _add_years(joined, 1),
        status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
        category=category,
        workplace=rng.choice(WORKPLACES),
        address=f"{unit.name}附近{rng.randint(1, 30)}号",
        unit=unit,
        outside_org=rng.choice(OUTSIDE_ORGS) if category == Category.IN_SERVICE and rng.random() < 0.5 else "",
    )
    member.set_id_card(fake_id_card(n, birth, gender))
    member.set_mobile(fake_mobile(n))
    return member


def _communities():
    """{community: ([grids], [buildings])} in one query."""
    units = list(Unit.objects.filter(level__gte=Level.COMMUNITY).order_by("path"))
    communities = {unit.pk: unit for unit in units if unit.level == Level.COMMUNITY}
    below = defaultdict(lambda: ([], []))
    for unit in units:
        if unit.level > Level.COMMUNITY:
            community_id = unit.ancestor_ids()[Level.COMMUNITY - 1]
            below[community_id][0 if unit.level == Level.GRID else 1].append(unit)
    return [(communities[pk], *below[pk]) for pk in communities]


@transaction.atomic
def seed(stdout=None):
    if Member.objects.exists():
        if stdout:
            stdout.write("members: already present, left as they are")
        return
    rng = random.Random(2019)
    today = date.today()
    n = 0
    members, reports, posts = [], [], []
    in_service_by_community = defaultdict(list)
    for community, grids, buildings in _communities():
        if not buildings:
            continue
        for index in range(rng.randint(*MEMBERS_PER_COMMUNITY)):
            # All three categories in every community: the first three rows cover them.
            category = [Category.REGISTERED, Category.IN_SERVICE, Category.MOBILE][index] if index < 3 else None
            category = category or rng.choices(Category.values, weights=[6, 3, 1])[0]
            if category == Category.IN_SERVICE:
                unit = rng.choice(buildings)  # where they live and report
            else:
                unit = rng.choice(grids + buildings)
            member = _member(rng, n, unit, category, today)
            n += 1
            members.append(member)
            if category == Category.IN_SERVICE:
                in_service_by_community[community.pk].append(member)
        for kind, name, capacity in rng.sample(POSTS, 2):
            posts.append(ServicePost(unit=community, kind=kind, name=name, capacity=capacity))
        for building in rng.sample(buildings, min(3, len(buildings))):
            kind, name, capacity = rng.choice(POSTS)
            posts.append(ServicePost(unit=building, kind=kind, name=f"{building.name}{name}", capacity=capacity))
    Member.objects.bulk_create(members, batch_size=1000)
    ServicePost.objects.bulk_create(posts, batch_size=1000)
    # Reports: most in-service members have reported to the building group they live in.
    for group in in_service_by_community.values():
        for member in group:
            if rng.random() < 0.8:
                # 在职党员进社区报到 as a standing practice dates from the late 2010s.
                reported = max(member.joined_on, date(2018, 1, 1)) + timedelta(days=rng.randint(0, 2500))
                reports.append(Report(member=member, building=member.unit, reported_on=min(reported, today)))
    Report.objects.bulk_create(reports, batch_size=1000)
    # Claims: reported members take places on their community's posts, never beyond capacity.
    posts_by_community = defaultdict(list)
    for post in ServicePost.objects.select_related("unit"):
        posts_by_community[post.unit.ancestor_ids()[Level.COMMUNITY - 1]].append(post)
    claims = []
    for community_id, group in in_service_by_community.items():
        free = {post.pk: post.capacity for post in posts_by_community[community_id]}
        for member in group:
            options = [post for post in posts_by_community[community_id] if free[post.pk] > 0]
            if options and rng.random() < 0.6:
                post = rng.choice(options)
                free[post.pk] -= 1
                claims.append(
                    PostClaim(post=post, member=member, claimed_on=today - timedelta(days=rng.randint(0, 365)))
                )
    PostClaim.objects.bulk_create(claims, batch_size=1000)
    if stdout:
        stdout.write(
            f"members: {len(members)} members, {len(reports)} reports, {len(posts)} posts, {len(claims)} claims"
        )
