"""Each state change of a meeting and of a transfer letter is an event with who and when, kept
apart from the purgeable audit trail (expiry by the job included, which the trail cannot see),
shown as a timeline on the record's page; the migration fills the log from existing records."""

import importlib
from datetime import date, datetime, timedelta

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from centers.models import Room, RoomKind
from centers.services import bookings
from grids.models import AuditEntry, Meeting, MeetingEvent, Presence, Transfer, TransferEvent
from grids.services import meetings as meeting_services
from grids.services import transfers as transfer_services
from tests import factory_members as fm
from tests.asserts import assert_redirects_to
from tests.factory_centers import make_center


def _steps(record):
    return [(e.action, e.by_id, e.detail) for e in record.events.order_by("at", "pk")]


def test_a_meetings_life_is_logged_step_by_step(tree, people, client_for):
    full = [fm.make_member(tree.grid1, f"正式{n}") for n in range(4)]
    by = people.meigang
    starts = (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)  # as the form reads it
    meeting = meeting_services.create_meeting(
        unit=tree.grid1, kind="assembly", starts_at=starts, place="会议室", topic="大会", host="书记", by=by
    )
    room = Room.objects.create(
        center=make_center(tree.community1, "梅岗中心"), kind=RoomKind.MEETING, name="一室", area=40
    )
    bookings.book(meeting=meeting, room=room, starts_at=starts, ends_at=starts + timedelta(hours=2), by=by)
    entries = {full[0]: (Presence.PRESENT, ""), full[1]: (Presence.PRESENT, ""), full[2]: (Presence.LEAVE, "病假")}
    meeting_services.record_attendance(meeting=meeting, entries=entries, by=by)
    bookings.cancel(meeting=meeting, by=None)
    local = timezone.localtime(starts)
    assert _steps(meeting) == [
        ("planned", by.pk, ""),
        ("room_booked", by.pk, f"梅岗中心 · 一室 · {local:%Y-%m-%d %H:%M}–{local + timedelta(hours=2):%H:%M}"),
        (
            "attendance",
            by.pk,
            "到会 2 人，请假 1 人，缺席 1 人。 未达法定人数，无效：有表决权的正式党员 4 人，到会 2 人。",
        ),
        ("room_cancelled", None, "梅岗中心 · 一室"),
    ]
    assert meeting.events.get(action="planned").by_name == "meigang"

    # Through the pages: the record form logs the fields it changed (nothing changed, nothing logged).
    client = client_for(by)
    edit = reverse("meeting_edit", args=[meeting.pk])
    data = {"starts_at": local.strftime("%Y-%m-%dT%H:%M"), "place": meeting.place, "topic": "大会", "host": "书记"}
    assert_redirects_to(
        client.post(edit, data | {"minutes": "学习党章。"}), reverse("meeting_detail", args=[meeting.pk])
    )
    assert_redirects_to(
        client.post(edit, data | {"minutes": "学习党章。"}), reverse("meeting_detail", args=[meeting.pk])
    )
    assert list(meeting.events.filter(action="record").values_list("detail", flat=True)) == ["会议记录"]
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    for text in ("已安排", "预订了中心功能室", "已记录考勤", "取消了中心功能室预订", "修改了会议记录和详情", "系统"):
        assert text in timeline, text


def test_the_meeting_page_reads_the_timeline_in_constant_queries(tree, people, client_for, django_assert_num_queries):
    meeting = meeting_services.create_meeting(
        unit=tree.grid1,
        kind="theme_day",
        starts_at=timezone.now(),
        place="会议室",
        topic="主题党日",
        host="书记",
        by=people.meigang,
    )
    client = client_for(people.meigang)
    url = reverse("meeting_detail", args=[meeting.pk])
    client.get(url)
    with django_assert_num_queries(11) as few:
        client.get(url)
    for n in range(5):
        meeting_services.log(meeting=meeting, action="record", by=people.huafu, detail=f"第{n}次")
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count("huafu") >= 5


def test_a_letters_states_are_logged_with_who_and_when(tree, people, client_for):
    inside = transfer_services.issue_out(
        member=fm.make_member(tree.grid1, "甲"),
        to_unit=tree.grid2,
        letter_number="一号",
        issued_on=date.today(),
        by=people.meigang,
    )
    transfer_services.accept(transfer=inside, by=people.lianhua)
    returned = transfer_services.issue_out(
        member=fm.make_member(tree.grid1, "乙"),
        outside_org="广州市某区委组织部",
        letter_number="二号",
        issued_on=date.today(),
        by=people.meigang,
    )
    transfer_services.return_letter(transfer=returned, reason="抬头有误", by=people.huafu)
    assert _steps(inside) == [("issued", people.meigang.pk, "第1网格"), ("accepted", people.lianhua.pk, "")]
    assert _steps(returned) == [
        ("issued", people.meigang.pk, "广州市某区委组织部"),
        ("returned", people.huafu.pk, "抬头有误"),
    ]
    page = client_for(people.meigang).get(reverse("transfer_detail", args=[returned.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "已退回" in timeline
    assert "抬头有误" in timeline and "huafu" in timeline


def test_expiry_by_the_job_is_an_event_the_audit_trail_cannot_see(tree, people, client_for):
    old = transfer_services.issue_out(
        member=fm.make_member(tree.grid1, "丙"),
        outside_org="外地",
        letter_number="三号",
        issued_on=date(2025, 1, 2),
        by=None,
    )
    fresh = transfer_services.issue_out(
        member=fm.make_member(tree.grid1, "丁"),
        outside_org="外地",
        letter_number="四号",
        issued_on=date(2025, 3, 1),
        by=None,
    )
    entries = AuditEntry.objects.count()
    assert transfer_services.expire(today=date(2025, 4, 3)) == 1  # valid until 2025-04-02
    assert AuditEntry.objects.count() == entries  # a bulk update: the trail saw nothing
    assert _steps(old) == [("issued", None, "外地"), ("expired", None, "")]
    assert _steps(fresh) == [("issued", None, "外地")]
    assert transfer_services.expire(today=date(2025, 4, 3)) == 0
    assert TransferEvent.objects.filter(action="expired").count() == 1
    page = client_for(people.meigang).get(reverse("transfer_detail", args=[old.pk])).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "系统" in timeline and "已过期" in timeline


def test_the_migration_fills_the_log_from_the_records(tree, people):
    moment = timezone.make_aware(datetime(2025, 3, 20, 19))
    meeting = Meeting.objects.create(
        unit=tree.grid1,
        kind="theme_day",
        starts_at=moment,
        place="室",
        topic="旧会",
        host="书记",
        created_by=people.meigang,
    )
    Meeting.objects.filter(pk=meeting.pk).update(attendance_taken=True, created_at=moment - timedelta(days=10))
    letter = Transfer.objects.create(
        member=fm.make_member(tree.grid1, "戊"),
        direction="out_outside",
        unit=tree.grid1,
        outside_org="外地",
        letter_number="五号",
        issued_on=date(2025, 1, 2),
        valid_until=date(2025, 4, 2),
        state="returned",
        reason="信息有误",
        decided_on=date(2025, 1, 9),
        issued_by=people.meigang,
        decided_by=people.huafu,
    )
    migration = importlib.import_module("grids.migrations.0019_meeting_and_transfer_events")
    migration.backfill(apps, None)
    assert _steps(meeting) == [("planned", people.meigang.pk, ""), ("attendance", None, "")]
    assert meeting.events.get(action="attendance").at == moment
    assert _steps(letter) == [("issued", people.meigang.pk, ""), ("returned", people.huafu.pk, "信息有误")]
    assert timezone.localtime(letter.events.get(action="returned").at) == timezone.make_aware(datetime(2025, 1, 9, 12))
    assert MeetingEvent.objects.count() == 2


def test_a_return_from_a_stale_page_or_a_tampered_form_changes_nothing(tree, people, client_for):
    letter = transfer_services.issue_out(
        member=fm.make_member(tree.grid1, "己"),
        outside_org="外地",
        letter_number="六号",
        issued_on=date.today(),
        by=None,
    )
    client = client_for(people.meigang)
    url = reverse("transfer_return", args=[letter.pk])
    assert 'name="seen" value="issued"' in client.get(url).content.decode()
    assert client.post(url, {"reason": "信息有误", "seen": "²"}).status_code == 200  # a tampered form
    transfer_services.accept(transfer=letter, by=people.huafu)  # meanwhile, on another page
    response = client.post(url, {"reason": "信息有误", "seen": "issued"})
    assert "打开本页后，该介绍信已有变化（现为已接收）：请刷新页面。" in response.content.decode()
    letter.refresh_from_db()
    assert letter.state == "accepted" and [e.action for e in letter.events.all()] == ["issued", "accepted"]
