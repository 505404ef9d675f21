"""A meeting's place as a center's room: which rooms a meeting may book, no double booking of a
room at overlapping times (touching intervals allowed; two staff at the same instant on
PostgreSQL), re-booking and cancelling, and the booking on the meeting's and the center's pages."""

import threading
from datetime import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from centers.models import Room, RoomBooking, RoomKind, Status
from centers.services import bookings as services
from grids.models import Meeting
from tests.asserts import assert_redirects_to
from tests.factory import make_tree
from tests.factory_centers import make_center


def _at(hour, minute=0, day=10):
    return timezone.make_aware(datetime(2026, 12, day, hour, minute))


def _meeting(unit, topic="主题党日", hour=19):
    return Meeting.objects.create(
        unit=unit, kind="theme_day", starts_at=_at(hour), place="待定", topic=topic, host="书记"
    )


def _room(owner, name, center_name=None, **extra):
    center = make_center(owner, center_name or f"{owner.name}党群服务中心", **extra)
    return Room.objects.create(center=center, kind=RoomKind.MEETING, name=name, area=50, capacity=30)


@pytest.fixture
def hall(tree):
    return _room(tree.community1, "一楼会议室")


def test_a_meeting_is_offered_the_rooms_of_the_centers_serving_its_organisation(tree):
    community = _room(tree.community1, "社区会议室")
    street = _room(tree.street1, "街道报告厅")
    micro_post = _room(tree.grid1, "网格微阵地")
    _room(tree.community2, "外社区会议室")  # another street's community
    _room(tree.grid1, "筹建中", center_name="筹建中心", status=Status.PREPARING)  # not operating
    grid_meeting = _meeting(tree.grid1)
    assert set(services.rooms_for(grid_meeting)) == {community, street, micro_post}
    # A community's committee may meet in its grid's micro-post, not in a sibling's.
    assert set(services.rooms_for(_meeting(tree.community1))) == {community, street, micro_post}
    assert set(services.rooms_for(_meeting(tree.grid2))) == {Room.objects.get(name="外社区会议室")}
    with pytest.raises(ValidationError) as caught:
        services.book(
            meeting=grid_meeting,
            room=Room.objects.get(name="外社区会议室"),
            starts_at=_at(19),
            ends_at=_at(21),
            by=None,
        )
    assert caught.value.message_dict == {"room": ["此功能室不属于为该组织服务的中心。"]}
    assert not RoomBooking.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "refused"),
    [
        ((17, 0), (19, 0), False),  # ends exactly when the booking starts
        ((21, 0), (23, 0), False),  # starts exactly when the booking ends
        ((17, 0), (18, 59), False),
        ((18, 0), (19, 1), True),  # one minute into it
        ((20, 59), (22, 0), True),  # its last minute
        ((19, 0), (21, 0), True),  # the same time
        ((19, 30), (20, 0), True),  # inside it
        ((18, 0), (22, 0), True),  # around it
    ],
)
def test_no_room_is_booked_twice_at_overlapping_times(tree, hall, start, end, refused):
    services.book(meeting=_meeting(tree.grid1, "先订"), room=hall, starts_at=_at(19), ends_at=_at(21), by=None)
    later = _meeting(tree.building1, "后订")
    book = lambda: services.book(meeting=later, room=hall, starts_at=_at(*start), ends_at=_at(*end), by=None)  # noqa: E731
    if refused:
        with pytest.raises(ValidationError) as caught:
            book()
        assert caught.value.messages == [
            "梅岗社区党群服务中心 · 一楼会议室 已被 第1网格 预订（2026-12-10 19:00 至 2026-12-10 21:00）。请另选时间或功能室。"
        ]
        assert RoomBooking.objects.count() == 1
        later.refresh_from_db()
        assert later.place == "待定"
    else:
        booking = book()
        assert RoomBooking.objects.active().count() == 2
        later.refresh_from_db()
        assert later.place == "梅岗社区党群服务中心 · 一楼会议室"
        assert booking.booked_by is None


def test_another_room_or_a_cancelled_booking_does_not_clash(tree, hall):
    other = Room.objects.create(center=hall.center, kind=RoomKind.HALL, name="多功能厅", area=80)
    first = _meeting(tree.grid1, "先订")
    services.book(meeting=first, room=hall, starts_at=_at(19), ends_at=_at(21), by=None)
    second = _meeting(tree.building1, "后订")
    services.book(meeting=second, room=other, starts_at=_at(19), ends_at=_at(21), by=None)
    services.cancel(meeting=first, by=None)
    services.book(meeting=_meeting(tree.grid1, "再订"), room=hall, starts_at=_at(19), ends_at=_at(21), by=None)
    assert RoomBooking.objects.active().count() == 2
    assert RoomBooking.objects.filter(cancelled_at__isnull=False).count() == 1


def test_booking_again_replaces_the_meetings_booking(tree, hall, people):
    meeting = _meeting(tree.grid1)
    services.book(meeting=meeting, room=hall, starts_at=_at(19), ends_at=_at(21), by=people.meigang)
    # Moving its own booking by half an hour does not clash with itself.
    services.book(meeting=meeting, room=hall, starts_at=_at(19, 30), ends_at=_at(21, 30), by=people.meigang)
    rows = list(RoomBooking.objects.order_by("pk").values_list("starts_at", "cancelled_at", "cancelled_by"))
    assert [(r[0], r[1] is not None, r[2]) for r in rows] == [
        (_at(19), True, people.meigang.pk),
        (_at(19, 30), False, None),
    ]
    services.cancel(meeting=meeting, by=people.meigang)
    assert not RoomBooking.objects.active().exists()
    with pytest.raises(ValidationError) as caught:
        services.cancel(meeting=meeting, by=people.meigang)
    assert caught.value.messages == ["该会议没有预订功能室。"]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (_at(19), _at(19), "预订的结束时间须晚于开始时间。"),
        (_at(21), _at(19), "预订的结束时间须晚于开始时间。"),
        (_at(8), _at(20, 1), "一次预订最长 12 小时。"),
    ],
)
def test_a_booking_runs_forward_and_at_most_twelve_hours(tree, hall, start, end, message):
    with pytest.raises(ValidationError) as caught:
        services.book(meeting=_meeting(tree.grid1), room=hall, starts_at=start, ends_at=end, by=None)
    assert caught.value.message_dict == {"ends_at": [message]}
    assert not RoomBooking.objects.exists()
    services.book(meeting=_meeting(tree.grid1), room=hall, starts_at=_at(8), ends_at=_at(20), by=None)


def _form(room, start="2026-12-10T19:00", end="2026-12-10T21:00"):
    return {"room": room.pk, "starts_at": start, "ends_at": end}


def test_the_pages(tree, people, client_for, hall):
    meeting = _meeting(tree.grid1, "十二月主题党日")
    client = client_for(people.meigang)
    detail = reverse("meeting_detail", args=[meeting.pk])
    page = client.get(detail).content.decode()
    assert "未预订中心功能室。" in page and reverse("meeting_room", args=[meeting.pk]) in page
    form_page = client.get(reverse("meeting_room", args=[meeting.pk]))
    assert list(form_page.context["form"].fields["room"].queryset) == [hall]
    # The meeting's start and two hours, as the phone's date-time picker reads them.
    assert 'value="2026-12-10T19:00"' in form_page.content.decode()
    assert 'value="2026-12-10T21:00"' in form_page.content.decode()
    assert_redirects_to(client.post(reverse("meeting_room", args=[meeting.pk]), _form(hall)), detail)
    page = client.get(detail).content.decode()
    assert "梅岗社区党群服务中心的一楼会议室，已预订 2026-12-10 19:00–21:00。" in page
    assert "梅岗社区党群服务中心 · 一楼会议室" in page  # the place
    # The center's staff page lists the booking with a link to the meeting.
    center_page = client.get(reverse("staff_center_detail", args=[hall.center.pk])).content.decode()
    assert f'<a href="{detail}">十二月主题党日</a> (第1网格)' in center_page

    # A second meeting at an overlapping time: the form again, 400, the Chinese reason, nothing written.
    other = _meeting(tree.building1, "党小组会")
    response = client.post(
        reverse("meeting_room", args=[other.pk]), _form(hall, "2026-12-10T20:00", "2026-12-10T22:00")
    )
    assert response.status_code == 400
    assert "已被 第1网格 预订（2026-12-10 19:00 至 2026-12-10 21:00）" in response.content.decode()
    assert RoomBooking.objects.count() == 1
    # Touching the end is fine.
    response = client.post(
        reverse("meeting_room", args=[other.pk]), _form(hall, "2026-12-10T21:00", "2026-12-10T22:00")
    )
    assert_redirects_to(response, reverse("meeting_detail", args=[other.pk]))

    # Bad input: a room id of another street, a huge id, a garbled time: 400, nothing written.
    foreign = _room(tree.community2, "外社区会议室")
    for data in (_form(foreign), _form(hall) | {"room": "9" * 30}, _form(hall, start="明天")):
        assert client.post(reverse("meeting_room", args=[meeting.pk]), data).status_code == 400
    assert RoomBooking.objects.active().count() == 2

    cancel = reverse("meeting_room_cancel", args=[meeting.pk])
    assert "梅岗社区党群服务中心 · 一楼会议室" in client.get(cancel).content.decode()
    assert_redirects_to(client.post(cancel), detail)
    assert "未预订中心功能室。" in client.get(detail).content.decode()
    assert "该会议没有预订功能室。" in client.get(cancel).content.decode()
    assert_redirects_to(client.post(cancel), detail)  # nothing to cancel: a message, no 500


def test_the_center_page_shows_another_organisations_booking_without_its_topic(tree, people, client_for):
    # A grid's micro-post booked by the community's committee: the grid's staff see the time, not the topic.
    from grids.models import Role
    from tests.factory import make_user

    post = _room(tree.grid1, "微阵地")
    meeting = Meeting.objects.create(
        unit=tree.community1, kind="committee", starts_at=_at(19), place="待定", topic="两委会议", host="书记"
    )
    services.book(meeting=meeting, room=post, starts_at=_at(19), ends_at=_at(21), by=None)
    grid_staff = make_user("grid1", tree.grid1, Role.STAFF)
    page = client_for(grid_staff).get(reverse("staff_center_detail", args=[post.center.pk])).content.decode()
    assert "支部委员会会议 (梅岗社区)" in page
    assert "两委会议" not in page
    assert (
        "两委会议"
        in client_for(people.meigang).get(reverse("staff_center_detail", args=[post.center.pk])).content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_two_staff_booking_one_room_at_the_same_instant_get_one_booking():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks (SELECT ... FOR UPDATE) seen by two connections")
    tree = make_tree()
    room = _room(tree.community1, "会议室")
    meetings = [_meeting(tree.grid1, "甲"), _meeting(tree.building1, "乙")]
    barrier = threading.Barrier(2)
    outcomes = []
    real_create = RoomBooking.objects.create

    def slow_create(**kwargs):
        # Widen the window between reading the room's calendar and writing the booking.
        threading.Event().wait(0.3)
        return real_create(**kwargs)

    def book(meeting):
        try:
            barrier.wait(timeout=10)
            services.book(meeting=meeting, room=room, starts_at=_at(19), ends_at=_at(21), by=None)
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    with mock.patch.object(RoomBooking.objects, "create", slow_create):
        threads = [threading.Thread(target=book, args=(m,)) for m in meetings]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(outcomes) == ["booked", "refused"]
    assert RoomBooking.objects.active().count() == 1


def test_the_demo_holds_meigangs_meetings_in_its_center(db):
    from centers import demo as centers_demo
    from grids import demo as grids_demo
    from grids.models import Unit

    grids_demo.seed()
    centers_demo.seed()
    centers_demo.seed()  # idempotent
    meigang = Unit.objects.get(name="梅岗社区")
    planned = Meeting.objects.under(meigang).get(attendance_taken=False)
    booking = RoomBooking.objects.active().get(meeting=planned)
    assert booking.room.center.owner == meigang and booking.starts_at == planned.starts_at
    planned.refresh_from_db()
    assert planned.place == services.room_label(booking.room)
    # No room of the demo is booked twice at once.
    for b in RoomBooking.objects.active():
        assert RoomBooking.objects.overlapping(b.room, b.starts_at, b.ends_at).count() == 1
