"""Demo volunteering data: the brand projects of 000, teams, volunteers, activities and hours.

Star-rated projects named after the articles' examples (梅岗先锋使者在行动, 狮岭心愿驿站,
南华先锋长者助餐食堂; 000), specialised teams as in Qinghe's stations (003). Deterministic
(fixed seed) and idempotent: records are found by name; activities are created once, and a
later run only adds upcoming activities (relative to today) to projects that have none left.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from centers.models import Center, Kind
from grids.models import Level, Member, Unit

from ..models.activities import Activity, ServiceRecord, Signup, hash_signup_code, hash_token
from ..models.service import ProjectCategory, ProjectStatus, ServiceProject, StarRating, VolunteerTeam
from ..models.volunteers import Volunteer

# (community, title, category, stars, beneficiary visits, description)
PROJECTS = [
    (
        "梅岗社区",
        "梅岗先锋使者在行动",
        ProjectCategory.OTHER,
        5,
        12600,
        "社区党员先锋使者走进楼栋，收集居民诉求、化解邻里矛盾、开展政策宣讲，做到小事不出网格。",
    ),
    (
        "狮岭社区",
        "狮岭心愿驿站",
        ProjectCategory.ELDERLY,
        4,
        8300,
        "收集困难群众、独居老人和留守儿童的“微心愿”，由党员和志愿者认领圆梦。",
    ),
    (
        "南华社区",
        "南华先锋长者助餐食堂",
        ProjectCategory.ELDERLY,
        5,
        21500,
        "为辖区长者提供价廉物美的午餐，志愿者负责送餐上门、餐前健康提示和用餐秩序。",
    ),
    (
        "梅岗社区",
        "梅岗四点半课堂",
        ProjectCategory.STUDY,
        3,
        4200,
        "放学后的作业辅导和兴趣课堂，解决双职工家庭的“四点半难题”。",
    ),
    ("田面社区", "田面法律服务站", ProjectCategory.LEGAL, 3, 1900, "律师志愿者每周坐班，提供免费法律咨询和调解。"),
    ("南华社区", "南华清洁家园", ProjectCategory.ENVIRONMENT, None, 0, "垃圾分类督导和楼道清洁行动。"),
]

# (community, team name, speciality)
TEAMS = [
    ("梅岗社区", "梅岗党员先锋队", "政策宣讲、邻里调解"),
    ("梅岗社区", "梅岗青年志愿服务队", "课业辅导"),
    ("狮岭社区", "狮岭心愿志愿服务队", "探访独居老人"),
    ("南华社区", "南华助餐志愿服务队", "送餐上门"),
    ("田面社区", "田面法律志愿服务队", "法律咨询"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"

# The brand projects of 000 are run from their community's Party-service center: they and their
# activities are linked to it (the centers demo gives every community one community center).
BRAND_PROJECTS = ["梅岗先锋使者在行动", "狮岭心愿驿站", "南华先锋长者助餐食堂"]
# Volunteers of each team community linked to a Party member of that community.
MEMBER_LINKS_PER_COMMUNITY = 2

# A sign-up the demo can show at 我的报名 (/volunteer/mine/): the first demo volunteer's, for the
# next activity of 梅岗先锋使者在行动, with a published code (demo data only; README's demo accounts).
DEMO_SIGNUP_MOBILE = "13807550000"
DEMO_SIGNUP_CODE = "WDBM2345"  # 我的报名: wo de bao ming

ADDRESSES = {
    "梅岗社区": "梅岗社区党群服务中心（华富路1018号）",
    "狮岭社区": "狮岭社区党群服务中心（红荔路3009号）",
    "南华社区": "南华社区长者饭堂（南园路88号）",
    "田面社区": "田面社区党群服务中心（深南中路4002号）",
}


def _shanghai(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _community(name):
    return Unit.objects.filter(level=Level.COMMUNITY, name=name).first()


def _community_center(community):
    """The community's own center, as centers/demo/centers.py creates it (owner = the community)."""
    return Center.objects.filter(owner=community, kind=Kind.COMMUNITY).order_by("pk").first()


def _add_activity(project, day, hour, capacity, index):
    starts = _shanghai(day, hour)
    return Activity.objects.create(
        project=project,
        title=f"{project.title}·第{index}期",
        # At the project's center when it has one; the street address otherwise.
        center_id=project.center_id,
        address="" if project.center_id else ADDRESSES.get(project.unit.name, f"{project.unit.name}党群服务中心"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        signup_deadline=starts - timedelta(hours=12),
        capacity=capacity,
        description="请提前十分钟到场签到，穿着舒适的衣服。",
    )


@transaction.atomic
def seed(stdout=None):
    rng = random.Random(2026)
    communities = {name: _community(name) for name in {p[0] for p in PROJECTS} | {t[0] for t in TEAMS}}
    if not all(communities.values()):
        if stdout:
            stdout.write("volunteering: demo communities missing, skipped")
        return
    today = timezone.localdate()
    first_run = not ServiceProject.objects.filter(title="梅岗先锋使者在行动").exists()

    projects = []
    for community, title, category, stars, visits, description in PROJECTS:
        project, created = ServiceProject.objects.get_or_create(
            unit=communities[community],
            title=title,
            defaults={
                "category": category,
                "status": ProjectStatus.ACTIVE if stars else ProjectStatus.PLANNING,
                "beneficiary_visits": visits,
                "description": description,
                "star_rating": stars,
            },
        )
        if created and stars:
            StarRating.objects.create(project=project, stars=stars, reason="街道党工委年度星级评定（演示数据）")
        projects.append(project)

    linked = _link_brand_projects(projects)

    teams = {}
    for community, name, speciality in TEAMS:
        teams[name], _created = VolunteerTeam.objects.get_or_create(
            unit=communities[community], name=name, defaults={"speciality": speciality}
        )

    volunteers = []
    team_list = list(teams.values())
    for index in range(60):
        team = team_list[index % len(team_list)]
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        mobile, registered_on = f"1380755{index:04d}", today - timedelta(days=rng.randint(30, 900))
        volunteer = Volunteer.objects.filter(Volunteer.mobile.q(mobile)).first()
        if volunteer is None:
            volunteer = Volunteer.objects.create(mobile=mobile, name=name, unit=team.unit, registered_on=registered_on)
            volunteer.teams.add(team)
            if team.leader_id is None:
                VolunteerTeam.objects.filter(pk=team.pk).update(leader=volunteer)
                team.leader = volunteer
        volunteers.append(volunteer)

    members = _link_members(communities.values())
    names = dict(Volunteer.objects.filter(pk__in=[v.pk for v in volunteers]).values_list("pk", "name"))
    for volunteer in volunteers:  # a linked volunteer now bears the member's name
        volunteer.name = names[volunteer.pk]

    active = [p for p in projects if p.status == ProjectStatus.ACTIVE]
    if first_run:
        for project in active:
            local = [v for v in volunteers if v.unit_id == project.unit_id] or volunteers
            for index in range(1, 7):  # past activities with attendance and hours
                day = today - timedelta(days=7 * (7 - index) + rng.randint(0, 3))
                activity = _add_activity(project, day, rng.choice([9, 14, 15]), 12, index)
                for volunteer in rng.sample(local, min(len(local), rng.randint(4, 8))):
                    Signup.objects.create(
                        activity=activity,
                        name=volunteer.name,
                        mobile=volunteer.mobile,
                        volunteer=volunteer,
                        token_hash=hash_token(f"demo-{activity.pk}-{volunteer.pk}-{rng.random()}"),
                        created_at=activity.signup_deadline - timedelta(days=1),
                    )
                    # At most the activity's two hours (Activity.check_hours): three choices, as
                    # before, so the seeded sequence and everything after it stay the same.
                    ServiceRecord.objects.create(
                        activity=activity, volunteer=volunteer, hours=Decimal(rng.choice(["1.00", "1.50", "2.00"]))
                    )

    added = 0
    for project in active:  # upcoming activities with open places, relative to today
        if not project.activities.filter(starts_at__gte=timezone.now()).exists():
            for offset in (3, 10):
                _add_activity(project, today + timedelta(days=offset), 9, 15, project.activities.count() + 1)
                added += 1
    _demo_signup()
    VolunteerTeam.objects.all().refresh_ranking()  # the kept totals of the public ranking
    if stdout:
        stdout.write(
            f"volunteering: {ServiceProject.objects.count()} projects, {VolunteerTeam.objects.count()} teams, "
            f"{Volunteer.objects.count()} volunteers, {Activity.objects.count()} activities "
            f"({added} upcoming added), {ServiceRecord.objects.total_hours()} hours; "
            f"{linked} projects at a center, {members} volunteers linked to Party members"
        )


def _demo_signup():
    """The demo's 我的报名 sign-up, kept on an activity still to come: created once, moved to the
    next activity when a later run finds its activity started (nothing else is touched)."""
    volunteer = Volunteer.objects.filter(Volunteer.mobile.q(DEMO_SIGNUP_MOBILE)).first()
    if volunteer is None:
        return
    now = timezone.now()
    upcoming = (
        Activity.objects.filter(project__title=BRAND_PROJECTS[0], starts_at__gt=now)
        .exclude(signups__mobile_hash=volunteer.mobile_hash, signups__cancelled_at__isnull=True)
        .order_by("starts_at")
        .first()
    )
    signup = Signup.objects.filter(code_hash=hash_signup_code(DEMO_SIGNUP_CODE)).select_related("activity").first()
    if upcoming is None or (signup is not None and signup.activity.starts_at > now):
        return
    if signup is not None:
        Signup.objects.filter(pk=signup.pk).update(activity=upcoming, cancelled_at=None)
        return
    Signup.objects.create(
        activity=upcoming,
        name=volunteer.name,
        mobile=volunteer.mobile,
        volunteer=volunteer,
        token_hash=hash_token(f"demo-mine-{upcoming.pk}"),
        code_hash=hash_signup_code(DEMO_SIGNUP_CODE),
    )


def _link_brand_projects(projects):
    """Link the brand projects and their activities to their community's center. Only empty
    links are filled, so a second run (or a center staff chose meanwhile) changes nothing."""
    linked = 0
    for project in projects:
        if project.title not in BRAND_PROJECTS:
            continue
        if project.center_id is None:
            center = _community_center(project.unit)
            if center is None:  # centers not seeded: the activities keep their addresses
                continue
            ServiceProject.objects.filter(pk=project.pk).update(center=center)
            project.center = center
        # The place is the center itself: the address is what the center page shows.
        project.activities.filter(center__isnull=True).update(center=project.center_id, address="")
        linked += 1
    return linked


def _link_members(communities):
    """Link the first volunteers (by mobile) of each community to Party members of that community,
    taking the volunteer's name from the member (they are one person). Idempotent: a community
    that already has its links is left alone."""
    total = 0
    for community in sorted(communities, key=lambda unit: unit.path):
        volunteers = Volunteer.objects.filter(unit=community)
        have = volunteers.filter(member__isnull=False).count()
        wanted = MEMBER_LINKS_PER_COMMUNITY - have
        if wanted > 0:
            free = (
                Member.objects.under(community)
                .filter(volunteers__isnull=True)
                .order_by("unit__path", "birth_date", "name", "pk")[:wanted]
            )
            for volunteer, member in zip(
                volunteers.filter(member__isnull=True).order_by("mobile_masked", "pk"), free, strict=False
            ):
                Volunteer.objects.filter(pk=volunteer.pk).update(member=member, name=member.name)
                volunteer.member, volunteer.name = member, member.name
                have += 1
        total += have
    return total
