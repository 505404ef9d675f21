"""Taking attendance on a phone (390×844) in a real browser: a staffer opens a 支部党员大会, ticks
who came, saves, and reads the quorum; the meeting's page and the attendance form pass axe."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844


def _login(page, live_server, username):
    from tests.factory import PASSWORD

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def _mark(page, name, presence):
    page.get_by_role("group", name=name).get_by_label(presence, exact=True).check()


def test_a_staffer_takes_attendance_on_a_phone_and_reads_the_quorum(live_server, page, axe):
    from centers.models import Room, RoomKind
    from centers.services.bookings import book
    from grids.models import Attendance, Meeting, MeetingEvent
    from tests.factory import make_people, make_tree
    from tests.factory_centers import make_center
    from tests.factory_members import make_member

    tree = make_tree()
    make_people(tree)
    for name in ("王芳", "李强", "赵敏", "陈刚"):
        make_member(tree.grid1, name)
    make_member(tree.grid1, "周预备", status="probationary", full_member_on=None)
    meeting = Meeting.objects.create(
        unit=tree.grid1,
        kind="assembly",
        starts_at=timezone.now() - timedelta(hours=3),
        place="待定",
        topic="第四季度支部党员大会",
        host="书记",
    )
    room = Room.objects.create(
        center=make_center(tree.community1, "梅岗社区党群服务中心"), kind=RoomKind.MEETING, name="会议室", area=60
    )
    book(
        meeting=meeting, room=room, starts_at=meeting.starts_at, ends_at=meeting.starts_at + timedelta(hours=2), by=None
    )

    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    _login(page, live_server, "meigang")
    detail = live_server.url + reverse("meeting_detail", args=[meeting.pk])
    page.goto(detail)
    assert axe(page) == [], "the meeting's page"
    assert "梅岗社区党群服务中心的会议室" in page.content()

    # Exactly half of the four full members: not valid. The probationary member attends without a vote.
    with page.expect_navigation():
        page.get_by_role("link", name="记录考勤").click()
    assert axe(page) == [], "the attendance form"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH  # no sideways scrolling
    # Every choice is one tap target of at least 44×44 CSS pixels: the radio sits inside its label.
    sizes = page.eval_on_selector_all(
        "fieldset .form-check-label", "labels => labels.map(l => [l.textContent, l.offsetWidth, l.offsetHeight])"
    )
    assert len(sizes) == 15
    assert [s for s in sizes if s[1] < 44 or s[2] < 44] == []
    _mark(page, "王芳", "出席")
    _mark(page, "李强", "出席")
    _mark(page, "赵敏", "缺席")
    _mark(page, "陈刚", "请假")
    page.get_by_role("group", name="陈刚").get_by_label("请假理由").fill("出差")
    _mark(page, "周预备", "出席")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert page.url == detail
    assert "考勤已记录。到会人数不足，会议无效。" in page.content()
    assert "无效：有表决权的正式党员4人，仅到会2人。" in page.content()
    assert axe(page) == [], "the meeting's page below quorum"

    # One more full member came after all: three of four is more than half.
    with page.expect_navigation():
        page.get_by_role("link", name="记录考勤").click()
    _mark(page, "赵敏", "出席")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert "有效：应到正式党员4人，实到3人，超过半数。" in page.content()
    assert dict(Attendance.objects.filter(meeting=meeting).values_list("member__name", "presence")) == {
        "王芳": "present",
        "李强": "present",
        "赵敏": "present",
        "陈刚": "leave",
        "周预备": "present",
    }
    assert Attendance.objects.get(member__name="陈刚").reason == "出差"
    # Both takes are on the meeting's timeline, with who took them.
    timeline = page.locator("#timeline")
    assert timeline.get_by_text("已记录考勤").count() == 2
    assert MeetingEvent.objects.filter(meeting=meeting, action="attendance", by__username="meigang").count() == 2
    assert axe(page) == [], "the meeting's page, valid"
