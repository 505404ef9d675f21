"""Residents' demands for tests: a category of the tree's district, a demand in any status."""

from grids.models import DemandCategory, Satisfaction
from grids.services import demands as flow
from grids.services import demands_intake as intake


def category(unit, name="环境卫生", *, response_hours=24, handling_days=5):
    district = intake.district_of(unit)
    return DemandCategory.objects.get_or_create(
        district=district, name=name, defaults={"response_hours": response_hours, "handling_days": handling_days}
    )[0]


def make_demand(community, title="楼道灯坏了", *, status="pending", cat=None, actor=None, **extra):
    """A demand of `community` walked through the lifecycle up to `status`
    (pending, accepted, rejected, in_progress, handled, closed)."""
    extra.setdefault("name", "王五")
    extra.setdefault("mobile", "13800138001")
    demand = intake.submit(
        category=cat or category(community),
        community=community,
        title=title,
        description="三楼楼道灯不亮。",
        **extra,
    )
    if status == "pending":
        return demand
    if status == "rejected":
        return flow.reject(demand=demand, actor=actor, reason="不属于受理范围")
    demand = flow.accept(demand=demand, actor=actor)
    if status == "accepted":
        return demand
    demand = flow.start(demand=demand, actor=actor)
    if status == "in_progress":
        return demand
    demand = flow.handle(demand=demand, actor=actor, reply="已更换灯泡。")
    if status == "handled":
        return demand
    return flow.visit(demand=demand, satisfaction=Satisfaction.SATISFIED)
