"""Data for the dashboard tests (issue 12): `grow(tree, n)` adds n rounds of varied records
across both streets of tests/factory.py's tree, at every level that can hold them, so that
figures, drill-downs and query counts can be checked at two data sizes."""

from datetime import date, timedelta
from decimal import Decimal

from centers.models import Kind, Status
from grids.models import Category, Education, Gender, LeftReason
from projects.models import MicroCategory, SocialInvestment
from tests import factory_centers as fc
from tests import factory_members as fm
from tests import factory_micro as fmi
from tests import factory_volunteer as fv

GENDERS = list(Gender.values)
EDUCATIONS = [*Education.values, ""]
CATEGORIES = list(Category.values)
KINDS = list(Kind.values)
STATUSES = list(Status.values)


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
