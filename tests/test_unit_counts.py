"""The counts each unit keeps of its own records (grids/services/unit_counts.py), read by the public
figures' members and volunteering sections: after every kind of write (through the services, the
ORM, the imports) they equal a count made from the records, at every level of the tree, and the
sections say what counting the records says."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from grids.models import Category, Member, PostClaim, Report, ServicePost, UnitCount
from grids.models.meetings import Meeting, MeetingKind
from grids.services import members as member_services
from grids.services import unit_counts
from grids.stats.members import members_section
from projects.models import Activity, ServiceProject, ServiceRecord, Volunteer, VolunteerTeam
from projects.stats.volunteering import volunteering_section
from tests import factory_volunteer as fv
from tests.factory_members import make_claim, make_member, make_post, make_report

pytestmark = pytest.mark.django_db


def members_by_hand(unit, year=None):
    """The members section as it was counted from the records before the kept counts."""
    path = unit.path if unit else ""
    members = Member.objects.filter(left_reason="", unit__path__startswith=path)
    by_category = dict(members.values_list("category").annotate(n=Count("pk")).order_by())
    held = Meeting.objects.filter(attendance_taken=True, valid=True, unit__path__startswith=path)
    held = held.filter(starts_at__year=year) if year else held
    return {
        "total": members.count(),
        "by_category": {category.value: by_category.get(category.value, 0) for category in Category},
        "reported": Report.objects.filter(member__left_reason="", building__path__startswith=path).count(),
        "posts": ServicePost.objects.filter(unit__path__startswith=path).count(),
        "posts_claimed": PostClaim.objects.filter(member__left_reason="", post__unit__path__startswith=path).count(),
        "organisational_life": {
            "meetings_held": held.count(),
            "meetings_held_by_kind": {kind: held.filter(kind=kind).count() for kind in MeetingKind.values},
        },
    }


def volunteering_by_hand(unit):
    path = unit.path if unit else ""
    hours = ServiceRecord.objects.filter(activity__project__unit__path__startswith=path).aggregate(s=Sum("hours"))["s"]
    return {
        "projects": ServiceProject.objects.filter(unit__path__startswith=path).count(),
        "teams": VolunteerTeam.objects.filter(unit__path__startswith=path).count(),
        "volunteers": Volunteer.objects.filter(unit__path__startswith=path).count(),
        "activities": Activity.objects.filter(project__unit__path__startswith=path).count(),
        "hours": f"{hours or Decimal('0'):.2f}",
    }


def assert_kept(tree, year=None):
    assert unit_counts.differences() == {}
    for unit in (None, tree.district, tree.street1, tree.community1, tree.grid1, tree.street2, tree.building2):
        assert members_section(unit, year=year) == members_by_hand(unit, year), unit
        assert volunteering_section(unit) == volunteering_by_hand(unit), unit


def meeting(unit, when, kind=MeetingKind.GROUP, **extra):
    extra = {"attendance_taken": True, "valid": True} | extra
    return Meeting.objects.create(
        unit=unit, kind=kind, starts_at=when, place="梅岗社区党群服务中心", topic="学习", host="李书记", **extra
    )


def test_members_figures_follow_every_write(tree, people):
    one = make_member(tree.grid1, "甲")
    two = make_member(tree.grid1, "乙", category=Category.IN_SERVICE)
    assert UnitCount.objects.get(group="members", unit=tree.grid1, key="registered").n == 1
    assert_kept(tree)
    one.category = Category.MOBILE
    one.save()
    assert_kept(tree)
    member_services.move_member(member=one, to_unit=tree.grid2, by=people.huafu)
    assert members_section(tree.street2)["total"] == 1
    assert_kept(tree)
    # A report and a claim count where the building and the post are, until the member leaves.
    report = make_report(two, tree.building1)
    post = make_post(tree.building1)
    claim = make_claim(post, two)
    assert members_section(tree.street1)["reported"] == 1
    assert_kept(tree)
    report.building = tree.building2
    report.save()
    post.unit = tree.building2
    post.save()
    assert members_section(tree.street2)["posts_claimed"] == 1
    assert_kept(tree)
    member_services.leave(members=[two], reason="transferred_out", left_on=date(2026, 3, 1), by=people.huafu)
    assert members_section(None)["reported"] == 0
    assert members_section(None)["posts_claimed"] == 0
    assert_kept(tree)
    claim.delete()
    post.delete()
    assert_kept(tree)
    # Meetings count once held and valid, in the Shanghai year of their start.
    new_year = meeting(tree.grid1, datetime(2025, 12, 31, 17, tzinfo=UTC))  # 1 January 2026 in Shanghai
    pending = meeting(tree.community1, datetime(2026, 5, 4, 2, tzinfo=UTC), attendance_taken=False)
    assert members_section(None, year=2026)["organisational_life"]["meetings_held"] == 1
    assert_kept(tree, year=2026)
    pending.attendance_taken = True
    pending.save()
    new_year.valid = False
    new_year.save(update_fields=["valid"])
    assert_kept(tree, year=2026)
    assert_kept(tree, year=2025)
    new_year.delete()
    gone = make_member(tree.grid2, "丙")  # entered by mistake, no history yet: deleted
    assert members_section(tree.grid2)["total"] == 2
    Member.objects.filter(pk=gone.pk).delete()
    assert_kept(tree)


def test_volunteering_figures_follow_every_write(tree):
    project = fv.make_project(tree.community1)
    fv.make_team(tree.grid1)
    volunteer = fv.make_volunteer(tree.grid1)
    activity = fv.make_activity(project)
    first = fv.make_record(activity, volunteer, hours="2.50")
    fv.make_record(activity, fv.make_volunteer(tree.community2), hours="1.25")
    assert volunteering_section(tree.street1)["hours"] == "3.75"
    assert_kept(tree)
    first.hours = Decimal("4.00")
    first.save()
    assert_kept(tree)
    # A project moved to another street takes its activities and their hours along.
    project.unit = tree.community2
    project.save()
    assert volunteering_section(tree.street2)["hours"] == "5.25"
    assert volunteering_section(tree.street1)["activities"] == 0
    assert_kept(tree)
    # An activity moved to another project, and back to the first street.
    other = fv.make_project(tree.grid1)
    activity.project = other
    activity.save(update_fields=["project"])
    assert_kept(tree)
    volunteer.unit = tree.grid2
    volunteer.save()
    first.delete()
    assert volunteering_section(None)["hours"] == "1.25"
    assert_kept(tree)


def test_a_save_that_changes_nothing_counted_recounts_nothing(tree):
    member = make_member(tree.grid1)
    for fields in (None, ["name"]):
        member = Member.objects.get(pk=member.pk)
        member.name = "张建华"
        with CaptureQueriesContext(connection) as queries:
            member.save(update_fields=fields)
        assert not [q["sql"] for q in queries if "grids_unitcount" in q["sql"] or "FOR NO KEY" in q["sql"]]
    member.category = Category.MOBILE
    with CaptureQueriesContext(connection) as queries:
        member.save()
    assert [q["sql"] for q in queries if "grids_unitcount" in q["sql"]]


def test_refresh_and_the_command_find_and_mend_a_difference(tree):
    make_member(tree.grid1)
    fv.make_record(fv.make_activity(fv.make_project(tree.community1)), fv.make_volunteer(tree.grid1))
    call_command("unit_counts", "--check")
    UnitCount.objects.filter(group="members").update(n=7)
    with pytest.raises(CommandError, match="1 kept counts differ"):
        call_command("unit_counts", "--check")
    call_command("unit_counts")
    call_command("unit_counts", "--check")
    assert_kept(tree)
