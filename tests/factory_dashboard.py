"""Data for the dashboard tests (issue 12): `grow(tree, n)` adds n rounds of varied records
across both streets of tests/factory.py's tree, at every level that can hold them, so that
figures, drill-downs and query counts can be checked at two data sizes."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from centers.models import Kind, Status
from grids.models import (
    Category,
    Demand,
    DemandStatus,
    DuesAssessment,
    DuesCategory,
    Education,
    Gender,
    LeftReason,
    Meeting,
    MeetingKind,
    Member,
    PaymentMethod,
    Presence,
    Relief,
    Satisfaction,
)
from grids.services import demands as demand_flow
from grids.services import dues, meetings
from portal.core import pagecache
from projects.models import MicroCategory, SocialInvestment
from tests import factory_centers as fc
from tests import factory_demands as fd
from tests import factory_members as fm
from tests import factory_micro as fmi
from tests import factory_volunteer as fv

GENDERS = list(Gender.values)
EDUCATIONS = [*Education.values, ""]
CATEGORIES = list(Category.values)
KINDS = list(Kind.values)
STATUSES = list(Status.values)
DEMAND_STATUSES = ["pending", "accepted", "rejected", "in_progress", "handled", "closed"]
CATEGORY_NAMES = ["环境卫生", "市政设施", "邻里纠纷"]


def grow(tree, n, *, start=0):
    today = date.today()
    streets = [
        (tree.street1, tree.community1, tree.grid1, tree.building1),
        (tree.street2, tree.community2, tree.grid2, tree.building2),
    ]
    for i in range(start, start + n):
        for s, (street, community, grid, building) in enumerate(streets):
            k = i * 2 + s
            unit = (grid, building, community)[k % 3]
            age = 20 + 7 * (k % 9)
            birth = date(today.year - age, 1 + k % 12, 1 + k % 27)
            joined = date(today.year - min(3 + 6 * (k % 8), age - 18), 7, 1)
            member = fm.make_member(
                unit,
                f"党员{k}",
                birth=birth,
                gender=GENDERS[k % 2],
                education=EDUCATIONS[k % len(EDUCATIONS)],
                category=CATEGORIES[k % 3],
                joined_on=joined,
                full_member_on=joined + timedelta(days=365),
            )
            if member.category == Category.IN_SERVICE and k % 2:
                fm.make_report(member, building)
            if k % 4 == 0:
                fm.make_claim(fm.make_post(building, name=f"岗位{k}"), member)
            fm.make_member(grid, f"离开{k}", left_reason=LeftReason.DECEASED, left_on=today)
            owner = (street, community, grid)[k % 3]
            fc.make_center(owner, f"中心{k}", kind=KINDS[k % len(KINDS)], status=STATUSES[k % len(STATUSES)])
            project = fv.make_project(
                (community, street, grid)[k % 3], beneficiary_visits=10 * k, star_rating=1 + k % 5
            )
            activity = fv.make_activity(project, days=-(k % 20) - 1)
            fv.make_record(activity, fv.make_volunteer(community), hours=f"{1 + k % 4}.50")
            fv.make_team(community)
            line = fmi.make_line(community, amount="500000.00", year=fmi.PROPOSED_AT.year)
            micro = fmi.make_project(
                community, f"微实事{k}", amount="20000.00", category=list(MicroCategory.values)[(k // 3) % 3]
            )
            if k % 3 == 1:
                fmi.reviewing(micro)
            elif k % 3 == 2:
                fmi.in_progress(micro, line)
                fmi.spent(micro, amount="1234.56")
                SocialInvestment.objects.create(
                    project=micro, amount=Decimal("100.00"), source="爱心企业", date=today - timedelta(days=1)
                )


def _at(day, hour=19):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def grow_demands(tree, n):
    """n rounds of demands in every status, handled at every level, some late, overdue, merged,
    visited satisfied, fairly or not, and some submitted a year before."""
    now = timezone.now()
    today = timezone.localdate()
    for k in range(n):
        for street, community, grid, building in (
            (tree.street1, tree.community1, tree.grid1, tree.building1),
            (tree.street2, tree.community2, tree.grid2, tree.building2),
        ):
            cat = fd.category(community, CATEGORY_NAMES[k % len(CATEGORY_NAMES)])
            status = DEMAND_STATUSES[k % len(DEMAND_STATUSES)]
            demand = fd.make_demand(community, f"诉求{k}", status=status, cat=cat)
            rows = Demand.objects.filter(pk=demand.pk)
            rows.update(unit=(grid, community, street, building)[k % 4])
            if k % 5 == 1 and demand.accepted_at:
                rows.update(accepted_at=demand.response_due + timedelta(hours=1))  # answered late
            if k % 5 == 2 and demand.first_handled_at:
                rows.update(handled_in_time=False)
            if status == "handled" and k % 4 == 0:
                demand_flow.visit(demand=demand, satisfaction=Satisfaction.UNSATISFIED)  # reopened
            if status == "closed" and k % 2:
                rows.update(satisfaction=Satisfaction.FAIRLY)
            if status == "pending" and k % 2:
                rows.update(response_due=now - timedelta(hours=1))  # overdue now
            if status in ("accepted", "in_progress") and k % 3:
                rows.update(handling_due=today - timedelta(days=2))  # overdue now
            if k % 7 == 3:
                rows.update(submitted_at=now - timedelta(days=400))
            merged = fd.make_demand(community, f"重复{k}", cat=cat)
            Demand.objects.filter(pk=merged.pk).update(status=DemandStatus.MERGED, merged_into=demand)
    pagecache.bump("grids.demand")  # update() sends no signal


def grow_life(tree, *, hours=(19,), with_dues=True):
    """Meetings over the last fourteen months at each of `hours` (one assembly below its quorum),
    and dues of two years with payments, a reversal, an exemption and a member who left."""
    today = timezone.localdate()
    days = [today - timedelta(days=27 * i) for i in range(1, 16)]
    for i, day in enumerate(days):
        plans = [(tree.grid1, MeetingKind.THEME_DAY), (tree.building1, MeetingKind.GROUP)]
        if i % 2:
            plans += [(tree.grid2, MeetingKind.COMMITTEE), (tree.community2, MeetingKind.COMMITTEE)]
        if i % 5 == 0:
            plans.append((tree.grid2, MeetingKind.BRANCH_ASSEMBLY))
        for (unit, kind), hour in [(plan, hour) for plan in plans for hour in hours]:
            meeting = Meeting.objects.create(
                unit=unit, kind=kind, starts_at=_at(day, hour), place="会议室", topic="学习", host="书记"
            )
            present = Presence.ABSENT if (i == 10 and kind == MeetingKind.BRANCH_ASSEMBLY) else Presence.PRESENT
            if i % 3 != 2:  # some meetings wait for their attendance
                entries = {m: (present, "") for m in meetings.expected_members(meeting)}
                meetings.record_attendance(meeting=meeting, entries=entries)
    if not with_dues:
        return
    members = list(Member.objects.filter(unit__path__startswith=tree.district.path).order_by("pk"))
    for year in (today.year - 1, today.year):
        for n, member in enumerate(members[:10]):
            relief = {"relief": Relief.EXEMPT, "reason": "困难"} if n == 3 else {}
            dues.assess(
                member=member,
                year=year,
                category=DuesCategory.WORKING,
                pay_base=f"{2000 + 1000 * n}",
                by=None,
                **relief,
            )
            paid = (n * 5) % 13
            if paid and n != 3:
                assessment = DuesAssessment.objects.get(member=member, year=year)
                payment = dues.record_payment(member=member, year=year, first_month=1, last_month=paid,
                                              amount=assessment.monthly * paid, method=PaymentMethod.CASH,
                                              paid_on=date(year, 1, 1), by=None)  # fmt: skip
                if n == 6:
                    dues.reverse_payment(payment=payment, reason="记错", by=None)
