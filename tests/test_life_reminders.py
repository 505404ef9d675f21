"""Reminders of organisational life on a fixed clock: a week before a kind of meeting falls due
and once it is overdue the organisation's staff are notified, each organisation, kind and period
once however often the job runs; the sending branch of a letter about to expire, once."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from grids.models import MeetingKind, Notification
from grids.models.meetings import KINDS_BY_LEVEL
from grids.services import meetings, meetings_reminders
from grids.services import transfers as transfer_services
from grids.services.jobs import SCHEDULE
from tests import factory_members as fm
from tests.factory import make_user

K = MeetingKind


def _sent(user, kind):
    return sorted(Notification.objects.filter(user=user, kind=kind).values_list("url", flat=True))


def _hold(unit, kind, day):
    """A valid meeting held on `day` (an organisation without members: no quorum to meet)."""
    starts_at = timezone.make_aware(datetime(day.year, day.month, day.day, 19))
    meeting = meetings.create_meeting(
        unit=unit, kind=kind, starts_at=starts_at, place="会议室", topic="会议", host="书记", by=None
    )
    return meetings.record_attendance(meeting=meeting, entries={})


@pytest.fixture
def secretary(tree):
    return make_user("grid1_secretary", tree.grid1)


def test_the_reminder_job_is_scheduled():
    assert SCHEDULE["meeting_reminders"][0] is meetings_reminders.remind


def test_due_within_a_week_and_overdue_each_once(tree, people, secretary):
    _hold(tree.grid1, K.COMMITTEE, date(2025, 5, 12))
    kinds = set(KINDS_BY_LEVEL[tree.grid1.level])
    quarterly = {K.BRANCH_ASSEMBLY, K.LECTURE} & kinds
    monthly = {K.COMMITTEE, K.THEME_DAY, K.GROUP} & kinds

    # 23 June: June and the second quarter end within a week; yearly kinds are not due yet.
    meetings_reminders.remind(today=date(2025, 6, 23))
    due_soon = _sent(secretary, "meeting_due_soon")
    overdue = _sent(secretary, "meeting_overdue")
    assert len(due_soon) == len(quarterly | monthly)
    assert all(url.endswith(("-2025-06-01", "-2025-04-01")) for url in due_soon)
    # Overdue, the last period missed of each kind: the first quarter of the quarterly kinds, May
    # of the monthly ones, but April of the committee (held in May).
    expected = {f"{kind}-2025-01-01" for kind in quarterly} | {f"{kind}-2025-05-01" for kind in monthly}
    expected = expected - {f"{K.COMMITTEE}-2025-05-01"} | {f"{K.COMMITTEE}-2025-04-01"}
    assert {url.split("#")[1] for url in overdue} == expected

    # Run again, the same day and the next: nobody is reminded twice.
    assert meetings_reminders.remind(today=date(2025, 6, 23)) == 0
    meetings_reminders.remind(today=date(2025, 6, 24))
    assert _sent(secretary, "meeting_due_soon") == due_soon
    assert _sent(secretary, "meeting_overdue") == overdue

    # 1 July: June and the second quarter are now overdue, each reminded once.
    meetings_reminders.remind(today=date(2025, 7, 1))
    meetings_reminders.remind(today=date(2025, 7, 1))
    assert len(_sent(secretary, "meeting_overdue")) == len(overdue) + len(quarterly | monthly)
    # The reminders go to the organisation's own staff, with the organisation on them.
    assert not Notification.objects.filter(user=people.meigang, unit=tree.grid1).exists()
    assert set(Notification.objects.filter(user=secretary).values_list("unit", flat=True)) == {tree.grid1.pk}


def test_a_held_period_is_not_reminded(tree, secretary):
    _hold(tree.grid1, K.THEME_DAY, date(2025, 6, 10))
    meetings_reminders.remind(today=date(2025, 6, 25))
    assert f"#{K.THEME_DAY}-2025-06-01" not in " ".join(_sent(secretary, "meeting_due_soon"))
    assert f"#{K.COMMITTEE}-2025-06-01" in " ".join(_sent(secretary, "meeting_due_soon"))


def test_the_sending_branch_is_reminded_of_a_letter_about_to_expire_once(tree, secretary):
    receiving = make_user("grid2_secretary", tree.grid2)
    transfer = transfer_services.issue_out(
        member=fm.make_member(tree.grid1, "转出者"),
        to_unit=tree.grid2,
        letter_number="福组转〔2025〕7号",
        issued_on=date(2025, 5, 20),
        by=None,
    )
    assert transfer.valid_until == date(2025, 8, 20)
    meetings_reminders.remind(today=date(2025, 8, 5))  # fifteen days left: not yet
    assert _sent(secretary, "transfer_expiring") == []
    meetings_reminders.remind(today=date(2025, 8, 6))
    meetings_reminders.remind(today=date(2025, 8, 6))
    meetings_reminders.remind(today=date(2025, 8, 19))
    assert len(_sent(secretary, "transfer_expiring")) == 1
    assert _sent(receiving, "transfer_expiring") == []
