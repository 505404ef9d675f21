"""Demo 民生微实事 for Futian (shared/domain/000), deterministic (fixed seed) and idempotent.

2018: the five district fund lines of the article, and 1,766 projects proposed January to
September over the 95 communities, of which 1,298 approved (立项), 145,000,000.00 元 of
public money spent and 5,489,600.00 元 of social investment. Built with bulk_create (a few
seconds on SQLite). 2026: a handful of projects in every state, made through the services.

Caps (Futian 2016: 服务类 ≤ 20万, 工程类 ≤ 40万): the article gives no 货物类 figure nor other
years, so 货物类 ≤ 20万 and the same caps for every year 2016–2026 (a documented assumption).
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from grids.models import Level, Unit

from ..models.funds import Expenditure, FundCategory, FundLine, ProjectCap, SocialInvestment
from ..models.micro import MicroCategory, MicroProject, MicroStatus, MicroTransition, Milestone, ProposerKind
from ..services import funds as fund_services
from ..services import funnel
from ..services import micro as services

SHANGHAI = ZoneInfo("Asia/Shanghai")
YUAN = Decimal("0.01")

FUNDS_2018 = {
    FundCategory.PARTY_INNOVATION: Decimal("16000000.00"),
    FundCategory.COMMUNITY_ACTIVITY: Decimal("22990000.00"),
    FundCategory.NEW_ORGANISATIONS: Decimal("10520000.00"),
    FundCategory.PARTY_CARE: Decimal("3860000.00"),
    FundCategory.MICRO: Decimal("150000000.00"),  # "about 1.5亿"
}
CAPS = {
    MicroCategory.SERVICES: Decimal("200000.00"),
    MicroCategory.WORKS: Decimal("400000.00"),
    MicroCategory.GOODS: Decimal("200000.00"),
}
CAP_YEARS = range(2016, 2027)

PROPOSED = 1766
APPROVED = 1298
ACCEPTED = 900  # of the approved; the rest were still in progress
REJECTED = 438  # of the not approved; the rest were withdrawn
SPENT = Decimal("145000000.00")
SOCIAL = Decimal("5489600.00")
SOCIAL_ROWS = 100
IN_PROGRESS_HEADROOM = Decimal("10000.00")  # approved but not yet spent, per project in progress

TITLES = {
    MicroCategory.WORKS: [
        "楼道照明改造",
        "小区道路修补",
        "无障碍坡道建设",
        "雨水管网疏通",
        "健身路径翻新",
        "电动车充电棚",
    ],
    MicroCategory.GOODS: ["社区长者饭堂餐具", "应急物资储备", "图书角新书", "便民雨伞架", "AED除颤仪配置"],
    MicroCategory.SERVICES: [
        "四点半课堂",
        "长者健康讲座",
        "邻里文化节",
        "法律咨询进社区",
        "独居老人探访",
        "青少年暑期营",
    ],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"


def _moment(rng, start, end):
    """A random Asia/Shanghai working-hours moment between two dates."""
    day = start + timedelta(days=rng.randrange((end - start).days + 1))
    return datetime.combine(day, time(rng.randrange(8, 18), rng.randrange(60)), tzinfo=SHANGHAI)


def _split(total, count, rng, low=0.5, high=1.5):
    """`count` positive amounts in 元 summing exactly to `total` (shares of random weights, cents fixed)."""
    weights = [rng.uniform(low, high) for _i in range(count)]
    cents = int(total * 100)
    scale = sum(weights)
    parts = [int(cents * w / scale) for w in weights]
    for i in range(cents - sum(parts)):
        parts[i % count] += 1
    return [Decimal(p) / 100 for p in parts]


def _codes(rng, n):
    codes = set()
    while len(codes) < n:
        codes.add("MS" + "".join(rng.choice(services.CODE_ALPHABET) for _i in range(8)))
    return sorted(codes, key=lambda _c: rng.random())


def seed_caps(district):
    existing = set(ProjectCap.objects.filter(district=district).values_list("year", "category"))
    ProjectCap.objects.bulk_create(
        ProjectCap(district=district, year=year, category=category, max_amount=amount)
        for year in CAP_YEARS
        for category, amount in CAPS.items()
        if (year, category.value) not in existing
    )


def seed_2018(district, communities, rng):
    lines = {
        category: FundLine.objects.create(
            unit=district, year=2018, category=category, amount=amount, note="福田区2018年党建经费（000）"
        )
        for category, amount in FUNDS_2018.items()
    }
    micro_line = lines[FundCategory.MICRO]
    codes = _codes(rng, PROPOSED)
    statuses = (
        [MicroStatus.ACCEPTED] * ACCEPTED
        + [MicroStatus.IN_PROGRESS] * (APPROVED - ACCEPTED)
        + [MicroStatus.REJECTED] * REJECTED
        + [MicroStatus.WITHDRAWN] * (PROPOSED - APPROVED - REJECTED)
    )
    rng.shuffle(statuses)
    funded = [i for i, s in enumerate(statuses) if s in (MicroStatus.ACCEPTED, MicroStatus.IN_PROGRESS)]
    spent = dict(zip(funded, _split(SPENT, len(funded), rng), strict=True))

    projects = []
    for i, status in enumerate(statuses):
        community = communities[i % len(communities)]
        category = rng.choice(list(MicroCategory))
        proposed_at = _moment(rng, date(2018, 1, 1), date(2018, 9, 30))
        project = MicroProject(
            community=community,
            title=f"{community.name}{rng.choice(TITLES[category])}",
            description="居民提出、居民议事会评议的民生微实事项目（演示数据）。",
            category=category,
            tracking_code=codes[i],
            proposed_at=proposed_at,
            status=status,
        )
        if rng.random() < 0.15:
            project.proposer_kind = ProposerKind.ORGANISATION
            project.proposer_organisation = f"{community.name}居民议事会"
        else:
            project.proposer_name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            project.proposer_mobile = f"139{rng.randrange(10**8):08d}"
        decided = (proposed_at + timedelta(days=rng.randint(10, 30))).date()
        if i in spent:
            amount = spent[i] + (IN_PROGRESS_HEADROOM if status == MicroStatus.IN_PROGRESS else 0)
            project.requested_amount = (amount * Decimal("1.05")).quantize(YUAN)
            project.resolution, project.resolution_date = "居民议事会表决通过", decided
            project.approved_amount = project.reserved_amount = amount
            project.fund_line, project.budget_year = micro_line, 2018
            project.implementer = f"{community.name}{rng.choice(['物业服务中心', '社工服务站', '工程公司'])}"
            project.start_date = decided + timedelta(days=7)
            if status == MicroStatus.ACCEPTED:
                project.progress = 100
                project.accepted_date = decided + timedelta(days=rng.randint(30, 90))
                project.acceptance_result = "验收合格"
            else:
                project.progress = rng.choice([30, 50, 70, 90])
        else:
            project.requested_amount = Decimal(rng.randrange(20, 400) * 1000)
            if status == MicroStatus.REJECTED:
                project.resolution, project.resolution_date = "居民议事会表决未通过", decided
                project.rejection_reason = rng.choice(["不属于民生微实事范围", "与已立项项目重复", "需由职能部门实施"])
        projects.append(project)
    MicroProject.objects.bulk_create(projects, batch_size=500)

    transitions, expenditures, milestones = [], [], []
    for i, project in enumerate(projects):
        at = project.proposed_at
        steps = [("", MicroStatus.PROPOSED, at), (MicroStatus.PROPOSED, MicroStatus.REVIEWING, at + timedelta(days=3))]
        decided_at = datetime.combine(project.resolution_date or at.date() + timedelta(days=5), time(10), SHANGHAI)
        if project.status == MicroStatus.WITHDRAWN:
            steps.append((MicroStatus.REVIEWING, MicroStatus.WITHDRAWN, decided_at))
        elif project.status == MicroStatus.REJECTED:
            steps.append((MicroStatus.REVIEWING, MicroStatus.REJECTED, decided_at))
        else:
            started = datetime.combine(project.start_date, time(9), SHANGHAI)
            steps += [
                (MicroStatus.REVIEWING, MicroStatus.APPROVED, decided_at),
                (MicroStatus.APPROVED, MicroStatus.IN_PROGRESS, started),
            ]
            if project.status == MicroStatus.ACCEPTED:
                steps.append(
                    (
                        MicroStatus.IN_PROGRESS,
                        MicroStatus.ACCEPTED,
                        datetime.combine(project.accepted_date, time(15), SHANGHAI),
                    )
                )
            first = (spent[i] * Decimal("0.4")).quantize(YUAN)
            for amount, days in ((first, 10), (spent[i] - first, 40)):
                expenditures.append(
                    Expenditure(project=project, amount=amount, date=project.start_date + timedelta(days=days),
                                payee=project.implementer, note="按合同付款")
                )  # fmt: skip
            milestones.append(
                Milestone(project=project, date=project.start_date + timedelta(days=20), title="完成过半", progress=50)
            )
        transitions += [MicroTransition(project=project, from_status=a, to_status=b, at=when) for a, b, when in steps]
    MicroTransition.objects.bulk_create(transitions, batch_size=1000)
    Expenditure.objects.bulk_create(expenditures, batch_size=1000)
    Milestone.objects.bulk_create(milestones, batch_size=1000)

    accepted = [p for p in projects if p.status == MicroStatus.ACCEPTED]
    donors = ["辖区企业捐赠", "社区基金会", "驻区单位共建", "爱心商户"]
    SocialInvestment.objects.bulk_create(
        SocialInvestment(project=project, amount=amount, source=rng.choice(donors), date=project.accepted_date)
        for project, amount in zip(rng.sample(accepted, SOCIAL_ROWS), _split(SOCIAL, SOCIAL_ROWS, rng), strict=True)
    )


# The 2026 projects' calendar: proposed in February, decided by the council on 1 April, started
# on 1 May, half done on 1 June, accepted on 1 September. A day still ahead of today is moved
# to today, so every date obeys the rules whenever the demo is seeded.
CALENDAR_2026 = {
    "proposed": date(2026, 2, 16),
    "reviewing": date(2026, 3, 2),
    "withdrawn": date(2026, 3, 20),
    "decided": date(2026, 4, 1),
    "started": date(2026, 5, 1),
    "halfway": date(2026, 6, 1),
    "accepted": date(2026, 9, 1),
}


def _stamp(project, moment):
    """Date the step just taken on its day of the calendar (the services stamp it now)."""
    last = project.transitions.order_by("-at", "-pk").first()
    MicroTransition.objects.filter(pk=last.pk).update(at=moment)


def seed_2026(district):
    """A few current projects in every state, through the services (real transitions)."""
    line = FundLine.objects.create(
        unit=district, year=2026, category=FundCategory.MICRO, amount=Decimal("150000000.00")
    )
    communities = list(Unit.objects.filter(level=Level.COMMUNITY, name__in=["梅岗社区", "田面社区", "狮岭社区"]))
    now = timezone.now()
    day = {step: min(when, timezone.localdate()) for step, when in CALENDAR_2026.items()}

    def moment(step, n=0):
        return min(datetime.combine(day[step] + timedelta(days=n), time(10), SHANGHAI), now)

    plan = [
        ("proposed", "楼道扶手加装", MicroCategory.WORKS),
        ("reviewing", "长者助餐点餐具更新", MicroCategory.GOODS),
        ("approved", "儿童游乐场地面翻新", MicroCategory.WORKS),
        ("rejected", "私家车位划线", MicroCategory.WORKS),
        ("in_progress", "四点半课堂", MicroCategory.SERVICES),
        ("accepted", "独居老人探访服务", MicroCategory.SERVICES),
        ("withdrawn", "社区书屋空调", MicroCategory.GOODS),
    ]
    for n, community in enumerate(communities):
        for state, title, category in plan:
            project = services.propose(
                community=community, title=f"{community.name}{title}", description="2026年演示项目。",
                category=category, requested_amount=Decimal(60000 + 5000 * n), proposer_name="陈秀英",
                proposer_mobile=f"1380013{n:02d}00", proposed_at=moment("proposed", n),
            )  # fmt: skip
            if state == "proposed":
                continue
            services.start_review(project=project, actor=None, note="提交居民议事会")
            _stamp(project, moment("reviewing"))
            if state == "reviewing":
                continue
            if state == "rejected":
                services.reject(project=project, actor=None, reason="属于业主自治事项，不使用公共资金",
                                resolution="居民议事会表决未通过", resolution_date=day["decided"])  # fmt: skip
                _stamp(project, moment("decided"))
                continue
            if state == "withdrawn":
                services.withdraw(project=project, actor=None, note="提议人撤回")
                _stamp(project, moment("withdrawn"))
                continue
            services.approve(project=project, actor=None, amount=project.requested_amount, fund_line=line,
                             resolution="居民议事会表决通过", resolution_date=day["decided"])  # fmt: skip
            _stamp(project, moment("decided"))
            if state == "approved":
                continue
            services.start(project=project, actor=None, implementer="社区社工服务站", start_date=day["started"])
            _stamp(project, moment("started"))
            services.record_milestone(project=project, actor=None, date=day["halfway"], title="完成过半", progress=50)
            fund_services.record_expenditure(project=project, actor=None, amount=Decimal("20000.00"),
                                             date=day["halfway"], payee="社区社工服务站")  # fmt: skip
            if state == "accepted":
                services.accept(project=project, actor=None, accepted_date=day["accepted"], result="验收合格")
                _stamp(project, moment("accepted"))
                fund_services.record_social_investment(project=project, actor=None, amount=Decimal("5000.00"),
                                                       source="辖区企业捐赠", date=day["accepted"])  # fmt: skip


@transaction.atomic
def seed(stdout=None):
    district = Unit.objects.filter(level=Level.DISTRICT, name="福田区").first()
    if district is None:
        return
    seed_caps(district)
    if FundLine.objects.filter(unit=district, year=2018, category=FundCategory.MICRO).exists():
        if stdout:
            stdout.write("micro-projects: already present, left as they are")
        return
    communities = list(Unit.objects.filter(level=Level.COMMUNITY, path__startswith=district.path).order_by("path"))
    seed_2018(district, communities, random.Random(2018))
    funnel.refresh()  # bulk inserts send no signal; the 2026 projects go through the services
    seed_2026(district)
    if stdout:
        stdout.write(f"micro-projects: {MicroProject.objects.count()} projects, {FundLine.objects.count()} fund lines")
