"""Organisational life: due periods of each kind, the quorum of a 支部党员大会, compliance against
hand counts, a member's attendance and the 6-months-absent flag, and the pages."""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from grids.models import (
    Attendance,
    Level,
    Meeting,
    MeetingAttachment,
    MeetingEvent,
    MeetingKind,
    MeetingRule,
    Member,
    MemberStatus,
    Presence,
)
from grids.services import meetings as services
from grids.services import meetings_compliance as compliance
from grids.views import meetings as meeting_views
from tests import factory_members as fm
from tests.factory import make_unit
from tests.factory_scale import make_members

K = MeetingKind


def _at(day, hour=19):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _meeting(unit, kind, day, topic="会议"):
    return Meeting.objects.create(unit=unit, kind=kind, starts_at=_at(day), place="会议室", topic=topic, host="书记")


def _held(unit, kind, day, members=()):
    meeting = _meeting(unit, kind, day)
    return services.record_attendance(meeting=meeting, entries={m: (Presence.PRESENT, "") for m in members})


def test_due_periods_of_each_kind_across_a_year(tree):
    expected = {K.BRANCH_ASSEMBLY: 4, K.COMMITTEE: 12, K.LECTURE: 4, K.THEME_DAY: 12, K.LIFE_MEETING: 1, K.APPRAISAL: 1}
    found = services.duties([tree.grid1], 2025, today=date(2026, 1, 5))
    assert {d.kind: len(d.periods) for d in found} == expected
    assert {d.kind: len(d.owed) for d in found} == expected  # the year is over: every period owed
    quarters = services.periods("quarterly", 2025)
    assert quarters[0] == (date(2025, 1, 1), date(2025, 3, 31)) and quarters[3] == (
        date(2025, 10, 1),
        date(2025, 12, 31),
    )
    assert services.periods("monthly", 2024)[1] == (date(2024, 2, 1), date(2024, 2, 29))
    assert services.periods("half_yearly", 2025) == [
        (date(2025, 1, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 12, 31)),
    ]
    assert [d.kind for d in services.duties([tree.building1], 2025)] == [K.GROUP]
    assert [d.kind for d in services.duties([tree.community1], 2025)] == [K.COMMITTEE]
    # Frequencies are data per district.
    MeetingRule.objects.create(district=tree.district, kind=K.LECTURE, frequency="yearly")
    lecture = [d for d in services.duties([tree.grid1], 2025) if d.kind == K.LECTURE][0]
    assert len(lecture.periods) == 1


@pytest.fixture
def branch(tree):
    full = [fm.make_member(tree.grid1, f"正式{n}") for n in range(4)]
    probationary = fm.make_member(
        tree.building1, "预备", joined_on=date(2024, 7, 1), full_member_on=None, status=MemberStatus.PROBATIONARY
    )
    return full, probationary


@pytest.mark.parametrize("present_full, valid", [(2, False), (3, True), (4, True), (0, False)])
def test_the_quorum_of_a_branch_assembly(tree, branch, present_full, valid):
    full, probationary = branch
    meeting = _meeting(tree.grid1, K.BRANCH_ASSEMBLY, date(2025, 3, 20))
    assert list(services.expected_members(meeting)) == sorted(
        [*full, probationary], key=lambda m: (m.unit.path, m.name, m.pk)
    )
    entries = {m: (Presence.PRESENT if n < present_full else Presence.ABSENT, "") for n, m in enumerate(full)}
    entries[probationary] = (Presence.PRESENT, "")  # attends without a vote
    meeting = services.record_attendance(meeting=meeting, entries=entries)
    assert (meeting.entitled, meeting.present_voting, meeting.valid) == (4, present_full, valid)
    # Exactly half (2 of 4) is not enough; other kinds need no quorum.
    theme = services.record_attendance(meeting=_meeting(tree.grid1, K.THEME_DAY, date(2025, 3, 5)), entries=entries)
    assert theme.valid


def test_leave_needs_a_reason_and_a_future_meeting_waits(tree, branch):
    full, _ = branch
    meeting = _meeting(tree.grid1, K.THEME_DAY, date(2025, 3, 5))
    with pytest.raises(ValidationError):
        services.record_attendance(meeting=meeting, entries={full[0]: (Presence.LEAVE, " ")})
    assert not Attendance.objects.exists()
    later = _meeting(tree.grid1, K.THEME_DAY, timezone.localdate() + timedelta(days=3))
    with pytest.raises(ValidationError):
        services.record_attendance(meeting=later, entries={full[0]: (Presence.PRESENT, "")})


def test_compliance_against_hand_counts(tree, branch):
    full, _ = branch
    for month in (1, 2, 4):
        _held(tree.grid1, K.THEME_DAY, date(2025, month, 10), full)
    _held(tree.grid1, K.BRANCH_ASSEMBLY, date(2025, 2, 20), full[:2])  # below quorum: not held
    _meeting(tree.grid1, K.THEME_DAY, date(2025, 3, 10))  # planned, attendance never taken: not held
    _held(tree.building1, K.GROUP, date(2025, 1, 8), [branch[1]])
    today = date(2025, 5, 15)
    found = services.duties([tree.grid1, tree.building1], 2025, today=today)
    theme = next(d for d in found if d.kind == K.THEME_DAY)
    assert [p.state for p in theme.periods[:6]] == ["held", "held", "overdue", "held", "due", "upcoming"]
    assert (theme.held, len(theme.owed)) == (3, 4)
    assembly = next(d for d in found if d.kind == K.BRANCH_ASSEMBLY)
    assert [p.state for p in assembly.periods] == ["overdue", "due", "upcoming", "upcoming"]
    rates = services.rates(found)
    assert rates[K.THEME_DAY] == (3, 4) and rates[K.BRANCH_ASSEMBLY] == (0, 1) and rates[K.GROUP] == (1, 4)
    assert rates[K.LIFE_MEETING] == (0, 0)  # its one period has not ended
    behind = services.behind_this_period(found)
    assert {(d.unit.name, d.kind) for d in behind} >= {("第1网格", K.THEME_DAY), ("第1网格", K.BRANCH_ASSEMBLY)}


def test_a_member_absent_six_months_is_flagged(tree, branch):
    full, _ = branch
    today = timezone.localdate()
    meeting = _meeting(tree.grid1, K.THEME_DAY, today - timedelta(days=20))
    services.record_attendance(
        meeting=meeting,
        entries={full[0]: (Presence.PRESENT, ""), full[1]: (Presence.ABSENT, ""), full[2]: (Presence.LEAVE, "出差")},
    )
    flags = services.absent_flags(full)
    # full[3] was left out: absent; full[2] was on leave, a good reason.
    assert flags == {full[1].pk: True, full[3].pk: True}
    rows, counts = services.member_year(full[2], meeting.starts_at.year)
    assert counts == {"present": 0, "leave": 1, "absent": 0} and rows[0].reason == "出差"


def _png():
    buffer = BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_phone_pages(tree, people, client_for, branch):
    full, probationary = branch
    client = client_for(people.meigang)
    response = client.post(
        reverse("meeting_create"),
        {
            "unit": tree.grid1.pk,
            "kind": K.BRANCH_ASSEMBLY,
            "starts_at": "2025-03-20T19:00",
            "place": "会议室",
            "topic": "一季度党员大会",
            "host": "书记",
        },
    )
    meeting = Meeting.objects.get(topic="一季度党员大会")
    assert response.status_code == 302
    url = reverse("meeting_attendance", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert all(m.name in page for m in [*full, probationary])
    data = {f"m{m.pk}": "absent" for m in full} | {f"m{probationary.pk}": "present", f"m{full[0].pk}": "present"}
    data |= {f"m{full[1].pk}": "present", f"m{full[2].pk}": "leave"}
    assert client.post(url, data).status_code == 200  # leave without a reason
    assert not Attendance.objects.exists()
    data[f"m{full[2].pk}-reason"] = "出差"
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    meeting.refresh_from_db()
    assert (meeting.entitled, meeting.present_voting, meeting.valid) == (4, 2, False)
    assert "alert-danger" in page  # the page says why it is not valid
    response = client.post(
        reverse("meeting_attach", args=[meeting.pk]), {"file": SimpleUploadedFile("x.png", _png()), "caption": "合影"}
    )
    assert response.status_code == 302 and MeetingAttachment.objects.get().file.name.endswith(".png")
    response = client.post(
        reverse("meeting_attach", args=[meeting.pk]), {"file": SimpleUploadedFile("x.pdf", b"<html>"), "caption": "假"}
    )
    assert response.status_code == 200 and MeetingAttachment.objects.count() == 1
    # A kind the organisation does not hold is refused.
    response = client.post(
        reverse("meeting_create"),
        {
            "unit": tree.building1.pk,
            "kind": K.BRANCH_ASSEMBLY,
            "starts_at": "2025-03-20T19:00",
            "place": "楼下",
            "topic": "楼栋大会",
            "host": "组长",
        },
    )
    assert response.status_code == 200 and not Meeting.objects.filter(topic="楼栋大会").exists()
    page = client.get(reverse("meeting_compliance"), {"unit": tree.grid1.pk, "year": 2025}).content.decode()
    assert "第1网格" in page


def test_the_demo_year_of_meetings(db):
    from grids import demo
    from grids.models import Unit

    demo.seed()
    demo.seed()  # idempotent
    meigang = Unit.objects.get(name="梅岗社区")
    meetings = Meeting.objects.under(meigang)
    assert meetings.filter(kind=K.BRANCH_ASSEMBLY, attendance_taken=True, valid=False).count() == 1
    assert meetings.filter(attendance_taken=False).count() == 1  # this month's theme day, planned
    assert Attendance.objects.filter(meeting__unit__path__startswith=meigang.path).exists()
    # Each has its timeline: planned, and attendance where it was taken.
    assert MeetingEvent.objects.filter(action="planned").count() == meetings.count()
    assert MeetingEvent.objects.filter(action="attendance").count() == meetings.filter(attendance_taken=True).count()
    orgs = services.organisations(meigang)
    found = services.duties(orgs, timezone.localdate().year)
    assert services.behind_this_period(found)  # a few missed, and this period still open
    members = Member.objects.under(meigang)
    assert len(services.absent_flags(members)) >= 1


def _absent_from(meeting, members):
    services.record_attendance(meeting=meeting, entries={m: (Presence.ABSENT, "") for m in members})


def test_compliance_shows_the_first_of_long_lists_in_constant_queries(
    tree, people, client_for, django_assert_num_queries, monkeypatch
):
    # A district: thousands of organisations behind, thousands of members absent. The page lists
    # the first SHOWN of each (2 here) and says so, in the same queries whatever the numbers.
    monkeypatch.setattr(meeting_views, "SHOWN", 2)
    client = client_for(people.meigang)
    url = reverse("meeting_compliance")
    meeting = _meeting(tree.grid1, K.THEME_DAY, timezone.localdate() - timedelta(days=20))
    _absent_from(meeting, [fm.make_member(tree.grid1, f"Q员{n}") for n in range(3)])
    make_unit(Level.BUILDING, "12栋", tree.grid1)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    assert page.count("Q员") == 2 and "12栋" not in page  # the first two; 11栋 comes before 12栋
    meeting = _meeting(tree.grid1, K.THEME_DAY, timezone.localdate() - timedelta(days=10))
    _absent_from(meeting, [fm.make_member(tree.grid1, f"Q员{n}") for n in range(3, 9)])
    for n in range(13, 20):
        make_unit(Level.BUILDING, f"{n}栋", tree.grid1)
    with django_assert_num_queries(len(small)):
        page = client.get(url).content.decode()
    assert page.count("Q员") == 2 and "19栋" not in page


def test_the_set_based_compliance_agrees_with_the_duties(tree, branch):
    # The page's figures for a part of the tree (meetings_compliance.summary) are those of
    # building every organisation's periods (duties, rates, behind_this_period).
    full, _ = branch
    for month in (1, 2, 3, 4):  # every ended period on 15 May, not the running one
        _held(tree.grid1, K.THEME_DAY, date(2025, month, 10), full)
    _held(tree.building1, K.GROUP, date(2025, 1, 8), [branch[1]])
    _held(tree.community1, K.COMMITTEE, date(2025, 7, 1), full)  # a period not ended yet
    make_unit(Level.BUILDING, "12栋", tree.grid1)
    for unit in (tree.district, tree.community1, tree.grid1):
        for today in (date(2025, 5, 15), date(2025, 12, 31), date(2026, 2, 1)):
            found = services.duties(services.organisations(unit), 2025, today=today)
            rates, count, first = compliance.summary(unit, 2025, 3, today=today)
            expected = services.rates(found)
            assert {k: rates.get(k, (0, 0)) for k in expected} == expected
            assert all(v == (0, 0) for k, v in rates.items() if k not in expected)
            behind = services.behind_this_period(found)
            assert count == len(behind)
            assert [(d.unit.pk, d.kind) for d in first] == [(d.unit.pk, d.kind) for d in behind[:3]]


def test_attendance_of_an_organisation_too_large_for_one_page(tree, people, client_for, branch, monkeypatch):
    """Above ATTENDANCE_LISTED members the page lists none and says why; a POST records nothing."""
    meeting = _meeting(tree.grid1, K.BRANCH_ASSEMBLY, date(2025, 3, 20))
    url = reverse("meeting_attendance", args=[meeting.pk])
    client = client_for(people.meigang)
    full, probationary = branch
    assert full[0].name in client.get(url).content.decode()
    monkeypatch.setattr(services, "ATTENDANCE_LISTED", len(full))  # one member more than listed
    page = client.get(url).content.decode()
    assert full[0].name not in page and "无法在一页上登记考勤" in page
    response = client.post(url, {f"m{m.pk}": "present" for m in full})
    assert response.status_code == 400 and not Attendance.objects.exists()
    with pytest.raises(ValidationError):
        services.record_attendance(meeting=meeting, entries={full[0]: ("present", "")})
    monkeypatch.setattr(services, "ATTENDANCE_LISTED", len(full) + 1)  # exactly as many: listed
    assert full[0].name in client.get(url).content.decode()


def test_the_largest_attendance_page_stays_under_1_mb(tree, people, client_for, branch):
    """The page grows by a row a member; at ATTENDANCE_LISTED members it stays under 1 MB of HTML
    (issue 15) with the same queries: measured at two sizes, extrapolated to the limit."""
    meeting = _meeting(tree.grid1, K.BRANCH_ASSEMBLY, date(2025, 3, 20))
    url = reverse("meeting_attendance", args=[meeting.pk])
    client = client_for(people.meigang)
    sizes = []
    for _ in range(2):
        make_members(tree.grid1, 40, prefix=f"新党员{len(sizes)}")
        client.get(url)  # the session read once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        sizes.append((len(queries), len(response.content)))
    assert sizes[0][0] == sizes[1][0]
    per_member = (sizes[1][1] - sizes[0][1]) / 40
    assert sizes[0][1] + per_member * services.ATTENDANCE_LISTED < 1_000_000
