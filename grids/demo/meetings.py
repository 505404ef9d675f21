"""Demo organisational life for 梅岗社区: the last twelve months of meetings of its community
committee, grid branches and building groups, each with attendance; a few periods missed, one
支部党员大会 below quorum, one member absent throughout the last six months, and this month's
主题党日 planned but not held yet. Deterministic and idempotent; written in bulk."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Member, MemberStatus, Unit
from ..models.meetings import KINDS_BY_LEVEL, Attendance, Meeting, MeetingAction, MeetingEvent, MeetingKind, Presence
from ..services import meetings as services

COMMUNITY = "梅岗社区"
TOPICS = {
    MeetingKind.BRANCH_ASSEMBLY: "支部党员大会：通报季度工作，讨论发展党员",
    MeetingKind.COMMITTEE: "支部委员会会议：研究本月工作",
    MeetingKind.GROUP: "党小组会：学习交流，收集居民诉求",
    MeetingKind.LECTURE: "党课：学习党章党规",
    MeetingKind.THEME_DAY: "主题党日：楼栋清洁与走访慰问",
    MeetingKind.LIFE_MEETING: "年度组织生活会：批评与自我批评",
    MeetingKind.APPRAISAL: "民主评议党员",
}
LEAVE_REASONS = ["出差", "生病住院", "照顾家人", "单位值班"]


@transaction.atomic
def seed(stdout=None):
    community = Unit.objects.filter(name=COMMUNITY, level=3).first()
    if community is None or Meeting.objects.under(community).exists():
        return
    rng = random.Random(1414)
    today = timezone.localdate()
    window_start = date(today.year - 1, today.month, 1)
    this_month = date(today.year, today.month, 1)
    orgs = services.organisations(community)
    members = list(
        Member.objects.under(community)
        .filter(left_reason="")
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )
    # One member has been absent from every meeting of the last six months: flagged to the branch.
    truant = next((m for m in members if m.unit.level == 4 and m.joined_on < window_start), None)
    truant_since = today - timedelta(days=182)
    meetings, plans = [], []
    below_quorum_done = False
    for org in orgs:
        rules = services.frequencies(services.district_of(org))
        expected = [m for m in members if m.unit.path.startswith(org.path)]
        for kind in KINDS_BY_LEVEL[org.level]:
            for year in (today.year - 1, today.year):
                for first, last in services.periods(rules[kind], year):
                    if last < window_start or last >= this_month:
                        continue  # ended outside the last twelve months
                    if rng.random() < 0.05:
                        continue  # missed: shows as overdue
                    start = max(first, window_start)
                    day = start + timedelta(days=rng.randint(min(8, (last - start).days), min(20, (last - start).days)))
                    starts = timezone.make_aware(datetime.combine(day, time(19, 0)))
                    low = kind == MeetingKind.BRANCH_ASSEMBLY and not below_quorum_done and len(expected) >= 4
                    below_quorum_done = below_quorum_done or low
                    meeting = Meeting(
                        unit=org,
                        kind=kind,
                        starts_at=starts,
                        place=f"{COMMUNITY}党群服务中心会议室",
                        topic=TOPICS[kind],
                        host="支部书记",
                        minutes="会议按议程进行，详见纪要。",
                    )
                    rows = _attendance(rng, expected, day, low, truant, truant_since)
                    _count(meeting, rows)
                    meetings.append(meeting)
                    plans.append(rows)
    grids = [o for o in orgs if o.level == 4]
    if grids:  # this month's 主题党日, planned, attendance not taken yet
        starts = timezone.make_aware(datetime.combine(max(today, this_month + timedelta(days=14)), time(15, 0)))
        meetings.append(
            Meeting(
                unit=grids[0],
                kind=MeetingKind.THEME_DAY,
                starts_at=starts,
                place=f"{COMMUNITY}党群服务中心",
                topic="主题党日：学习贯彻支部工作条例",
                host="支部书记",
            )
        )
        plans.append(None)
    Meeting.objects.bulk_create(meetings)
    attendance = []
    for meeting, rows in zip(meetings, plans, strict=True):
        for member, presence, reason in rows or ():
            attendance.append(
                Attendance(
                    meeting=meeting,
                    member=member,
                    presence=presence,
                    reason=reason,
                    voting=member.status == MemberStatus.FULL,
                )
            )
    Attendance.objects.bulk_create(attendance, batch_size=1000)
    # Each meeting's timeline: planned a week before (or now), attendance taken when it was held.
    events, now = [], timezone.now()
    for meeting, rows in zip(meetings, plans, strict=True):
        planned = min(meeting.starts_at - timedelta(days=7), now)
        events.append(MeetingEvent(meeting=meeting, action=MeetingAction.PLANNED, at=planned))
        if meeting.attendance_taken:
            detail = services.attendance_detail(meeting, {m: (p, r) for m, p, r in rows or ()})
            events.append(
                MeetingEvent(meeting=meeting, action=MeetingAction.ATTENDANCE, at=meeting.starts_at, detail=detail)
            )
    MeetingEvent.objects.bulk_create(events, batch_size=1000)
    if stdout:
        stdout.write(f"Meetings: {len(meetings)} in {COMMUNITY}, {len(attendance)} attendance rows.")


def _attendance(rng, expected, day, low, truant, truant_since):
    rows = []
    for member in expected:
        if member.joined_on > day:
            continue
        roll = rng.random()
        if member == truant and day >= truant_since:
            rows.append((member, Presence.ABSENT, ""))
        elif low and roll < 0.7:
            rows.append((member, Presence.ABSENT, ""))
        elif roll < 0.08:
            rows.append((member, Presence.LEAVE, rng.choice(LEAVE_REASONS)))
        elif roll < 0.13:
            rows.append((member, Presence.ABSENT, ""))
        else:
            rows.append((member, Presence.PRESENT, ""))
    if not low:
        # Only the one assembly chosen to fall short may miss its quorum: in a small branch a few
        # random absences could otherwise sink another, whatever order the members came in.
        voters = [i for i, (m, _p, _r) in enumerate(rows) if m.status == MemberStatus.FULL]
        present = sum(1 for i in voters if rows[i][1] == Presence.PRESENT)
        for i in voters:
            if present * 2 > len(voters):
                break
            member, presence, _reason = rows[i]
            if presence != Presence.PRESENT and member != truant:
                rows[i] = (member, Presence.PRESENT, "")
                present += 1
    return rows


def _count(meeting, rows):
    meeting.entitled = sum(1 for m, _p, _r in rows if m.status == MemberStatus.FULL)
    meeting.present_voting = sum(1 for m, p, _r in rows if m.status == MemberStatus.FULL and p == Presence.PRESENT)
    meeting.attendance_taken = True
    meeting.valid = services.quorum_met(meeting.entitled, meeting.present_voting) if meeting.needs_quorum else True
