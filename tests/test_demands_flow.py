"""Residents' demands: every legal and illegal transition, deadlines in working days, routing to
the grid of the nearest building group, the overdue sweep and its 督办, reopening and escalation,
and two staff accepting at once."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from grids.models import Demand, DemandAction, DemandStatus, Level, Notification, Satisfaction
from grids.services import demands as flow
from grids.services import demands_intake as intake
from grids.services import demands_sweep, workdays
from tests import factory_demands as fd
from tests.factory import make_unit, make_user

S = DemandStatus
SHANGHAI = workdays.SHANGHAI


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=SHANGHAI)


# --- deadlines --------------------------------------------------------------------------


def test_working_days_skip_national_day_2026_and_count_the_adjusted_saturday():
    # Accepted Wednesday 30 September 2026: 1–7 October are off, Saturday 10 October works.
    start = dt.date(2026, 9, 30)
    assert [workdays.add_working_days(start, n) for n in (1, 2, 3)] == [
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 9),
        dt.date(2026, 10, 10),
    ]
    assert workdays.add_working_days(start, 4) == dt.date(2026, 10, 12)
    # Sunday 20 September 2026 is an adjusted working day too.
    assert workdays.add_working_days(dt.date(2026, 9, 19), 1) == dt.date(2026, 9, 20)
    assert workdays.working_days_between(start, dt.date(2026, 10, 12)) == 4


def test_handling_deadline_of_an_accepted_demand_is_in_working_days(tree):
    cat = fd.category(tree.community1, handling_days=3)
    demand = fd.make_demand(tree.community1, cat=cat)
    demand = flow.accept(demand=demand, actor=None, now=at(2026, 9, 30, 22))
    assert demand.handling_due == dt.date(2026, 10, 10)


def test_response_deadline_is_the_categorys_hours(tree):
    cat = fd.category(tree.community1, "治安隐患", response_hours=4, handling_days=3)
    demand = fd.make_demand(tree.community1, cat=cat, now=at(2026, 10, 1, 9))
    assert demand.response_due == at(2026, 10, 1, 13)


# --- routing ----------------------------------------------------------------------------


def test_located_demand_goes_to_the_grid_of_the_nearest_building_group(tree):
    grid2 = make_unit(Level.GRID, "第2网格", tree.community1)
    make_unit(Level.BUILDING, "20栋", grid2, latitude=Decimal("22.560000"), longitude=Decimal("114.090000"))
    # 11栋 of 第1网格 is at (22.55, 114.08); this point is a few metres from 20栋.
    near_20 = fd.make_demand(tree.community1, latitude=Decimal("22.560100"), longitude=Decimal("114.090100"))
    near_11 = fd.make_demand(tree.community1, latitude=Decimal("22.550100"), longitude=Decimal("114.080100"))
    assert near_20.unit == grid2
    assert near_11.unit == tree.grid1
    # A building group of another community, nearer, does not take it.
    assert intake.route(tree.community1, Decimal("22.556"), Decimal("114.055")) == tree.grid1


def test_unlocated_demand_goes_to_its_community(tree):
    assert fd.make_demand(tree.community1).unit == tree.community1


def test_a_location_without_community_finds_the_nearest_building_groups_community(tree):
    assert intake.community_near(Decimal("22.5561"), Decimal("114.0551")) == tree.community2
    assert intake.community_near(Decimal("30.0"), Decimal("120.0")) is None


def test_codes_typed_with_spaces_dashes_or_lower_case_are_read():
    assert intake.normalize_code(" sq7k-3p9 qxa ") == "SQ7K3P9QXA"
    assert intake.normalize_code("sq7k3p9qxa<script>") == ""
    assert intake.normalize_code("ＳＱ１") == ""


# --- transitions ------------------------------------------------------------------------

LEGAL = [
    ("pending", lambda d, u: flow.accept(demand=d, actor=u), S.ACCEPTED),
    ("pending", lambda d, u: flow.reject(demand=d, actor=u, reason="不属于受理范围"), S.REJECTED),
    ("accepted", lambda d, u: flow.start(demand=d, actor=u), S.IN_PROGRESS),
    ("in_progress", lambda d, u: flow.handle(demand=d, actor=u, reply="已处理"), S.HANDLED),
    ("handled", lambda d, u: flow.visit(demand=d, satisfaction=Satisfaction.SATISFIED), S.CLOSED),
    ("handled", lambda d, u: flow.visit(demand=d, satisfaction=Satisfaction.FAIRLY, actor=u), S.CLOSED),
    ("handled", lambda d, u: flow.visit(demand=d, satisfaction=Satisfaction.UNSATISFIED), S.IN_PROGRESS),
]
ACTIONS = {
    "accept": lambda d, u: flow.accept(demand=d, actor=u),
    "reject": lambda d, u: flow.reject(demand=d, actor=u, reason="重复"),
    "start": lambda d, u: flow.start(demand=d, actor=u),
    "handle": lambda d, u: flow.handle(demand=d, actor=u, reply="已处理"),
    "visit": lambda d, u: flow.visit(demand=d, satisfaction=Satisfaction.SATISFIED),
    "transfer": lambda d, u: flow.hand_up(demand=d, actor=u, reason="需要街道协调"),
}
ALLOWED = {
    "pending": {"accept", "reject", "transfer"},
    "accepted": {"start", "transfer"},
    "rejected": set(),
    "in_progress": {"handle", "transfer"},
    "handled": {"visit"},
    "closed": set(),
}


@pytest.mark.parametrize(("status", "act", "to"), LEGAL)
def test_legal_transitions_are_recorded(tree, people, status, act, to):
    demand = fd.make_demand(tree.community1, status=status)
    steps = demand.transitions.count()
    after = act(demand, people.meigang)
    assert Demand.objects.get(pk=demand.pk).status == to == after.status
    assert demand.transitions.count() > steps
    last = demand.transitions.order_by("-pk").first()
    assert last.to_status == to


@pytest.mark.parametrize("status", sorted(ALLOWED))
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_illegal_transitions_are_refused_and_change_nothing(tree, people, status, action):
    if action in ALLOWED[status]:
        pytest.skip("legal")
    demand = fd.make_demand(tree.community1, status=status)
    steps, before = demand.transitions.count(), Demand.objects.get(pk=demand.pk)
    with pytest.raises(ValidationError):
        ACTIONS[action](demand, people.meigang)
    after = Demand.objects.get(pk=demand.pk)
    assert (after.status, after.unit_id) == (before.status, before.unit_id)
    assert demand.transitions.count() == steps


def test_staff_outside_the_demands_unit_cannot_act(tree, people):
    demand = fd.make_demand(tree.community1)
    with pytest.raises(PermissionDenied):
        flow.accept(demand=demand, actor=people.lianhua)
    with pytest.raises(PermissionDenied):
        flow.accept(demand=demand, actor=people.viewer)
    assert Demand.objects.get(pk=demand.pk).status == S.PENDING


def test_rejection_needs_a_reason_shown_to_the_resident(tree, people):
    demand = fd.make_demand(tree.community1)
    with pytest.raises(ValidationError):
        flow.reject(demand=demand, actor=people.meigang, reason="  ")
    flow.reject(demand=demand, actor=people.meigang, reason="属于法院管辖")
    assert Demand.objects.get(pk=demand.pk).rejection_reason == "属于法院管辖"


def test_transfer_stays_inside_the_scope_and_hand_up_goes_to_the_parent(tree, people):
    demand = fd.make_demand(tree.community1)
    with pytest.raises(ValidationError):
        flow.transfer(demand=demand, actor=people.meigang, to_unit=tree.community2, reason="不归我们")
    flow.transfer(demand=demand, actor=people.meigang, to_unit=tree.grid1, reason="属第1网格")
    assert Demand.objects.get(pk=demand.pk).unit == tree.grid1
    flow.hand_up(demand=demand, actor=people.meigang, reason="需社区协调")
    demand.refresh_from_db()
    assert demand.unit == tree.community1
    steps = list(demand.transitions.filter(action__in=[DemandAction.TRANSFER, DemandAction.HAND_UP]))
    assert [(s.from_unit, s.to_unit, s.note) for s in steps] == [
        (tree.community1, tree.grid1, "属第1网格"),
        (tree.grid1, tree.community1, "需社区协调"),
    ]


def test_unsatisfied_reopens_once_then_escalates_to_the_parent_unit(tree, people):
    make_user("street_staff", tree.street1)
    demand = fd.make_demand(tree.community1, status="handled")
    demand = flow.visit(demand=demand, satisfaction=Satisfaction.UNSATISFIED)
    assert (demand.status, demand.unit, demand.reopen_count) == (S.IN_PROGRESS, tree.community1, 1)
    flow.handle(demand=demand, actor=people.meigang, reply="再次处理")
    demand = flow.visit(demand=demand, satisfaction=Satisfaction.UNSATISFIED)
    assert (demand.status, demand.unit, demand.reopen_count) == (S.IN_PROGRESS, tree.street1, 2)
    assert demand.supervising_unit == tree.street1
    assert demand.transitions.filter(action=DemandAction.ESCALATE).count() == 1
    assert Notification.objects.filter(user__username="street_staff", kind="demand_escalated").count() == 1


def test_merged_demands_followers_see_the_outcome(tree, people):
    first = fd.make_demand(tree.community1)
    dup = fd.make_demand(tree.community1, title="楼道灯又坏")
    flow.merge(demand=dup, into=first, actor=people.meigang)
    dup.refresh_from_db()
    assert dup.status == S.MERGED and dup.followed == first
    assert Demand.objects.get(pk=first.pk).also_count == 1
    with pytest.raises(ValidationError):
        flow.merge(demand=first, into=dup, actor=people.meigang)


def test_helpers_hours_count_toward_the_members_tally(tree, people):
    from tests import factory_members as fm

    demand = fd.make_demand(tree.community1, status="in_progress")
    member = fm.make_member(tree.grid1, "帮手")
    flow.add_helper(demand=demand, actor=people.meigang, member=member, hours=Decimal("2.5"))
    flow.add_helper(demand=demand, actor=people.meigang, name="志愿者甲", hours=Decimal("1"))
    with pytest.raises(ValidationError):
        flow.add_helper(demand=demand, actor=people.meigang, member=member, hours=Decimal("30"))
    outsider = fm.make_member(tree.grid2, "外人")
    with pytest.raises(ValidationError):
        flow.add_helper(demand=demand, actor=people.meigang, member=outsider, hours=Decimal("1"))
    from grids.models import DemandHelper

    assert DemandHelper.objects.member_hours(member, timezone.localdate().year) == Decimal("2.5")


def test_anonymous_demands_keep_no_name_or_mobile(tree):
    demand = fd.make_demand(tree.community1, anonymous=True, name="张三", mobile="13800138000")
    demand.refresh_from_db()
    assert (demand.resident_name, demand.resident_mobile_hash) == ("", "")


def test_more_than_three_photos_are_refused(tree):
    from tests.test_images import real_image

    with pytest.raises(ValidationError):
        fd.make_demand(tree.community1, photos=[real_image() for _i in range(4)])
    assert not Demand.objects.exists()


# --- the sweep --------------------------------------------------------------------------


def test_overdue_demands_are_raised_to_the_parent_once_with_notifications(tree, people):
    street_staff = make_user("street_staff", tree.street1)
    community_staff = make_user("community_staff", tree.community1)
    cat = fd.category(tree.community1, response_hours=24, handling_days=2)
    late = fd.make_demand(tree.community1, cat=cat, now=at(2026, 9, 28, 9))
    accepted = flow.accept(
        demand=fd.make_demand(tree.community1, cat=cat, now=at(2026, 9, 28, 9)), actor=None, now=at(2026, 9, 28, 10)
    )
    assert accepted.handling_due == dt.date(2026, 9, 30)
    fresh = fd.make_demand(tree.community1, cat=cat, now=at(2026, 9, 30, 12))

    # fresh (response due tomorrow noon) and accepted (handling due today) reminded; late raised.
    assert demands_sweep.sweep_deadlines(now=at(2026, 9, 30, 13)) == (2, 1)
    late.refresh_from_db()
    assert late.supervising_unit == tree.community1.parent == tree.street1
    assert late.transitions.filter(action=DemandAction.SUPERVISE).count() == 1
    # 30 September is the last day of the handling limit: not overdue yet; 8 October it is.
    assert demands_sweep.sweep_deadlines(now=at(2026, 10, 8, 9)) == (0, 2)
    accepted.refresh_from_db()
    fresh.refresh_from_db()
    assert accepted.supervised_at is not None and fresh.supervised_at is not None
    assert demands_sweep.sweep_deadlines(now=at(2026, 10, 9, 9)) == (0, 0)
    assert Notification.objects.filter(user=street_staff, kind="demand_supervised").count() == 3
    assert Notification.objects.filter(user=community_staff, kind="demand_overdue").count() == 3
    assert not Notification.objects.filter(user=people.lianhua).exists()


# --- the race ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_staff_accepting_at_once_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from tests.factory import make_tree

    tree = make_tree()
    first, second = make_user("first", tree.community1), make_user("second", tree.community1)
    demand = fd.make_demand(tree.community1)
    barrier = threading.Barrier(2)
    results = []

    def accept(user):
        try:
            barrier.wait()
            flow.accept(demand=demand, actor=user)
            results.append("won")
        except ValidationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["refused", "won"]
    assert Demand.objects.get(pk=demand.pk).transitions.filter(action=DemandAction.ACCEPT).count() == 1
