"""A year of residents' demands in Futian (issue 11): about 2,000 at building groups' locations,
routed to their grids, most handled, some overdue and raised (督办), every outcome of 回访, with
helpers among the reported members. Bulk-written, deterministic, idempotent."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ..models import (
    Demand,
    DemandAction,
    DemandHelper,
    DemandSource,
    DemandStatus,
    DemandTransition,
    Level,
    Report,
    Satisfaction,
    Unit,
)
from ..services import demands_intake as intake

COUNT = 2000
TITLES = {
    "环境卫生": ["楼道堆放杂物", "垃圾桶满溢未清运", "绿化带积水有蚊虫"],
    "市政设施": ["路灯不亮", "人行道地砖松动", "井盖破损"],
    "物业管理": ["电梯经常停运", "小区门禁损坏", "物业费公示不清"],
    "邻里纠纷": ["楼上噪音扰民", "占用公共车位", "空调滴水"],
    "治安隐患": ["电动车楼道充电", "消防通道被占", "围墙破损"],
    "困难帮扶": ["独居老人需要帮助", "残疾人出行不便", "困难家庭申请救助"],
    "政策咨询": ["咨询居住证办理", "咨询医保报销", "咨询入学政策"],
    "其他": ["建议增设休息座椅", "建议增加健身器材", "快递柜不够用"],
}
# status, share: most closed, some still open (a few past their limits)
OUTCOMES = [("closed", 0.78), ("handled", 0.06), ("in_progress", 0.07), ("accepted", 0.03), ("pending", 0.03),
            ("rejected", 0.03)]  # fmt: skip
# The first 回访; a 不满意 reopens the demand (重办), which is then still being redone, or handled
# again and visited a second time: closed, or a second 不满意 raising it to the unit above. With
# the rates counting each demand's latest visit this gives a 满意率 of about 90%.
SATISFACTION = [(Satisfaction.SATISFIED, 0.72), (Satisfaction.FAIRLY, 0.12), (Satisfaction.UNSATISFIED, 0.16)]
REDO = [("waiting", 0.35), ("closed", 0.5), ("escalated", 0.15)]
SECOND_VISIT = [(Satisfaction.SATISFIED, 0.7), (Satisfaction.FAIRLY, 0.3)]


def _pick(rng, weighted):
    x, total = rng.random(), 0
    for value, share in weighted:
        total += share
        if x < total:
            return value
    return weighted[-1][0]


def seed(stdout=None):
    if Demand.objects.exists():
        if stdout:
            stdout.write("demands: already present, left as they are")
        return
    district = Unit.objects.filter(level=Level.DISTRICT).order_by("pk").first()
    if district is None:
        return
    categories = list(intake.categories_for(district))
    buildings = list(
        Unit.objects.filter(level=Level.BUILDING, latitude__isnull=False)
        .select_related("parent__parent")
        .order_by("pk")
    )
    helpers_by_community = {}
    for member_id, path in Report.objects.order_by("pk").values_list("member_id", "building__path"):
        helpers_by_community.setdefault(int(path.strip("/").split("/")[2]), []).append(member_id)
    rng = random.Random(11)
    now = timezone.now()
    demands, steps = [], []
    for n in range(COUNT):
        building = rng.choice(buildings)
        category = rng.choice(categories)
        status = _pick(rng, OUTCOMES)
        age_days = rng.randint(0, 3) if status in ("pending", "accepted") else rng.randint(2, 360)
        submitted = now - timedelta(days=age_days, hours=rng.randint(0, 23))
        lat = building.latitude + Decimal(rng.randint(-300, 300)) / 1000000
        lng = building.longitude + Decimal(rng.randint(-300, 300)) / 1000000
        anonymous = rng.random() < 0.3
        demand = Demand(
            code=intake.new_code(),
            source=_pick(
                rng,
                [
                    (DemandSource.ONLINE, 0.6),
                    (DemandSource.PATROL, 0.2),
                    (DemandSource.WALK_IN, 0.1),
                    (DemandSource.HOTLINE, 0.1),
                ],
            ),  # fmt: skip
            category=category,
            title=rng.choice(TITLES.get(category.name, TITLES["其他"])),
            description="居民反映的问题，详见现场照片。",
            latitude=lat,
            longitude=lng,
            community=building.parent.parent,
            unit=building.parent,
            anonymous=anonymous,
            resident_name="" if anonymous else f"居民{n:04d}",
            status=status,
            submitted_at=submitted,
            response_due=intake.response_due(category, submitted),
        )
        if not anonymous:
            for column, value in Demand.resident_mobile.stored(f"1380014{n:04d}").items():
                setattr(demand, column, value)
        _walk(rng, demand, category, status, submitted, now)
        demands.append(demand)
    Demand.objects.bulk_create(demands, batch_size=500)
    helpers = []
    for demand in demands:
        steps += _steps(demand)
        pool = helpers_by_community.get(demand.community_id)
        if demand.first_handled_at and pool and rng.random() < 0.3:
            helpers.append(DemandHelper(demand=demand, member_id=rng.choice(pool), hours=Decimal(rng.choice([1, 2, 3])),
                                        helped_on=timezone.localdate(demand.first_handled_at)))  # fmt: skip
    DemandTransition.objects.bulk_create(steps, batch_size=1000)
    DemandHelper.objects.bulk_create(helpers, batch_size=1000)
    if stdout:
        stdout.write(f"demands: {len(demands)} demands, {len(steps)} steps, {len(helpers)} helpers")


def _walk(rng, demand, category, status, submitted, now):
    """Fill the timestamps of `status` as the lifecycle would have."""
    if status == "pending":
        return
    if status == "rejected":
        demand.rejection_reason = "不属于社区受理范围，已告知居民向相关部门反映。"
        demand.closed_at = submitted + timedelta(hours=rng.randint(1, 20))
        return
    late = rng.random() < 0.08
    demand.accepted_at = submitted + timedelta(hours=rng.randint(category.response_hours + 1, category.response_hours + 30)
                                               if late else rng.randint(1, category.response_hours))  # fmt: skip
    demand.handling_due = intake.handling_due(category, demand.accepted_at)
    if status in ("accepted", "in_progress"):
        if demand.handling_due < timezone.localdate(now) or late:
            demand.supervised_at = min(now, demand.accepted_at + timedelta(days=1))
            demand.supervising_unit_id = demand.unit.parent_id
        return
    days = rng.randint(1, category.handling_days + 4)
    demand.first_handled_at = demand.handled_at = min(now, demand.accepted_at + timedelta(days=days))
    demand.handled_in_time = timezone.localdate(demand.first_handled_at) <= demand.handling_due
    demand.reply = "已安排网格员现场处理，问题已解决。"
    if status == "closed":
        demand.satisfaction = _pick(rng, SATISFACTION)
        if demand.satisfaction == Satisfaction.UNSATISFIED:
            _redo(rng, demand, category, now)
            return
        demand.closed_at = min(now, demand.handled_at + timedelta(days=rng.randint(1, 3)))


def _redo(rng, demand, category, now):
    """重办 on the resident's first 不满意: back in progress with a new deadline; then, unless it is
    still being redone, handled again and visited a second time."""
    reopened = _reopened_at(demand)
    demand.status, demand.reopen_count = DemandStatus.IN_PROGRESS, 1
    demand.handling_due = intake.handling_due(category, reopened)
    outcome = _pick(rng, REDO)
    handled = reopened + timedelta(days=rng.randint(1, category.handling_days), hours=rng.randint(0, 8))
    visited = handled + timedelta(days=rng.randint(1, 3))
    if outcome == "waiting" or visited >= now:
        return
    demand.handled_at = handled
    if outcome == "closed":
        demand.status, demand.closed_at = DemandStatus.CLOSED, visited
        demand.satisfaction = _pick(rng, SECOND_VISIT)
        return
    # The second 不满意: the unit above takes it over under supervision (督办).
    demand.escalated_from, demand.reopen_count = demand.unit, 2
    demand.unit = demand.supervising_unit = demand.unit.parent
    demand.supervised_at = visited
    demand.handling_due = intake.handling_due(category, visited)


def _reopened_at(demand):
    return demand.first_handled_at + timedelta(days=1)


def _steps(demand):
    S = DemandStatus
    steps = [(DemandAction.SUBMIT, "", S.PENDING, demand.submitted_at)]
    if demand.status == S.REJECTED:
        steps.append((DemandAction.REJECT, S.PENDING, S.REJECTED, demand.closed_at))
    if demand.accepted_at:
        steps.append((DemandAction.ACCEPT, S.PENDING, S.ACCEPTED, demand.accepted_at))
        if demand.status != S.ACCEPTED:
            steps.append((DemandAction.START, S.ACCEPTED, S.IN_PROGRESS, demand.accepted_at + timedelta(minutes=30)))
    if demand.supervised_at and demand.reopen_count < 2:  # a second 不满意 is an escalation
        steps.append((DemandAction.SUPERVISE, demand.status, demand.status, demand.supervised_at))
    if demand.first_handled_at:
        steps.append((DemandAction.HANDLE, S.IN_PROGRESS, S.HANDLED, demand.first_handled_at))
    if demand.reopen_count:
        steps.append((DemandAction.VISIT, S.HANDLED, S.HANDLED, _reopened_at(demand)))
        steps.append((DemandAction.REOPEN, S.HANDLED, S.IN_PROGRESS, _reopened_at(demand)))
        if demand.handled_at != demand.first_handled_at:
            steps.append((DemandAction.HANDLE, S.IN_PROGRESS, S.HANDLED, demand.handled_at))
    if demand.reopen_count == 2:
        steps.append((DemandAction.VISIT, S.HANDLED, S.HANDLED, demand.supervised_at))
        steps.append((DemandAction.ESCALATE, S.HANDLED, S.IN_PROGRESS, demand.supervised_at))
    if demand.closed_at and demand.status == S.CLOSED:
        steps.append((DemandAction.VISIT, S.HANDLED, S.HANDLED, demand.closed_at))
        steps.append((DemandAction.CLOSE, S.HANDLED, S.CLOSED, demand.closed_at))
    return [
        DemandTransition(
            demand=demand,
            action=action,
            from_status=before,
            to_status=after,
            at=at,
            note=demand.reply if action == DemandAction.HANDLE else "",
            from_unit=demand.escalated_from if action == DemandAction.ESCALATE else None,
            to_unit=demand.unit if action == DemandAction.ESCALATE else None,
        )  # fmt: skip
        for action, before, after, at in steps
    ]
