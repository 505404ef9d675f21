"""组织生活: plan a meeting, take its attendance (with the quorum of a 支部党员大会), attach its
files, and read compliance (what each organisation owed and held, period by period) and a
member's attendance with the 6-months-absent flag."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.queries import more_than
from portal.core.uploads import stored_document

from ..models import Member, MemberStatus, Unit
from ..models.meetings import (
    DEFAULT_FREQUENCIES,
    KINDS_BY_LEVEL,
    PERIODS,
    Attendance,
    Frequency,
    Meeting,
    MeetingAction,
    MeetingAttachment,
    MeetingEvent,
    MeetingKind,
    MeetingRule,
    Presence,
)

# The Party Constitution (art. 9) counts six months in a row without organisational life, without
# good reason, as leaving the Party: such members are flagged to their branch.
ABSENT_MONTHS = 6


def district_of(unit):
    return int(unit.path.strip("/").split("/")[0])


def frequencies(district_id):
    """{kind: frequency} of a district: its rules over the defaults."""
    found = dict(DEFAULT_FREQUENCIES)
    found.update(MeetingRule.objects.filter(district_id=district_id).values_list("kind", "frequency"))
    return found


def periods(frequency, year):
    """[(first day, last day)] of each period of a year at this frequency."""
    return list(_periods(frequency, year))


@cache
def _periods(frequency, year):
    # Kept: the compliance of a district asks it for each of its thousands of organisations.
    months = 12 // PERIODS[frequency]
    found = []
    for n in range(PERIODS[frequency]):
        first = date(year, n * months + 1, 1)
        following = date(year + 1, 1, 1) if n * months + months == 12 else date(year, n * months + months + 1, 1)
        found.append((first, following - timedelta(days=1)))
    return tuple(found)


def create_meeting(*, unit, kind, starts_at, place, topic, host, by):
    if kind not in KINDS_BY_LEVEL.get(unit.level, ()):
        raise ValidationError({"kind": _("This organisation does not hold this kind of meeting.")})
    with transaction.atomic():
        meeting = Meeting.objects.create(
            unit=unit, kind=kind, starts_at=starts_at, place=place, topic=topic, host=host, created_by=by
        )
        MeetingEvent.log(meeting=meeting, action=MeetingAction.PLANNED, by=by)
    return meeting


# Attendance is taken on one page, a member a row: above this an organisation takes it in its
# branches (at ten times a district a district-wide meeting listed a million members: 146 s).
# A branch above 50 members is split (a general branch, then a committee above 100): 500 covers
# every branch and general branch and keeps the page under 1 MB of HTML (about 1 KB a member:
# 1,171 members were 1.2 MB and 3.3 s at one district's size, issue 15).
ATTENDANCE_LISTED = 500


def too_many_to_list(meeting):
    return more_than(expected_members(meeting), ATTENDANCE_LISTED)


def expected_members(meeting):
    """Members of the meeting's organisation on its day: the unit's subtree, joined by then, not left."""
    day = timezone.localtime(meeting.starts_at).date()
    return (
        Member.objects.under(meeting.unit)
        .filter(joined_on__lte=day, left_reason="")
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )


def too_many_message():
    return _(
        "This organisation has more than %(n)s members: attendance cannot be taken on one page. "
        "Hold the meeting in its branches and take the attendance there."
    ) % {"n": f"{ATTENDANCE_LISTED:,}"}


def quorum_met(entitled, present):
    """More than half of the members entitled to vote: exactly half is not enough."""
    return present * 2 > entitled


@transaction.atomic
def record_attendance(*, meeting, entries, by=None):
    """entries: {member: (presence, reason)}; members of the organisation left out are absent. Sets the meeting's counts
    and validity. Taken again, it replaces the rows' values (the audit trail keeps the earlier)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("The meeting has not started yet: take the attendance when it is held."))
    if too_many_to_list(meeting):
        raise ValidationError(too_many_message())
    expected = {m.pk: m for m in expected_members(meeting)}
    if any(member.pk not in expected for member in entries):
        raise ValidationError(_("Attendance can be taken only for members of the meeting's organisation."))
    # Whoever is not marked was not there: every member of the organisation counts for the quorum.
    entries = {m: entries.get(m, (Presence.ABSENT, "")) for m in expected.values()}
    errors = []
    for member, (presence, reason) in entries.items():
        if presence == Presence.LEAVE and not reason.strip():
            errors.append(_("%(name)s: leave needs a reason.") % {"name": member.name})
    if errors:
        raise ValidationError(errors)
    entitled = present_voting = 0
    for member, (presence, reason) in entries.items():
        voting = member.status == MemberStatus.FULL
        entitled += voting
        present_voting += voting and presence == Presence.PRESENT
        Attendance.objects.update_or_create(
            meeting=meeting,
            member=member,
            defaults={
                "presence": presence,
                "reason": reason.strip() if presence == Presence.LEAVE else "",
                "voting": voting,
            },
        )
    meeting.entitled, meeting.present_voting = entitled, present_voting
    meeting.valid = quorum_met(entitled, present_voting) if meeting.needs_quorum else True
    meeting.attendance_taken = True
    meeting.save(update_fields=["entitled", "present_voting", "valid", "attendance_taken"])
    MeetingEvent.log(
        meeting=meeting, action=MeetingAction.ATTENDANCE, by=by, detail=attendance_detail(meeting, entries)
    )
    return meeting


def attendance_detail(meeting, entries):
    counts = {p: 0 for p in Presence.values}
    for presence, _reason in entries.values():
        counts[presence] += 1
    detail = _("%(present)s present, %(leave)s on leave, %(absent)s absent.") % {
        "present": counts[Presence.PRESENT],
        "leave": counts[Presence.LEAVE],
        "absent": counts[Presence.ABSENT],
    }
    if meeting.needs_quorum:
        quorum = _("Valid") if meeting.valid else _("Below quorum, not valid")
        detail += " " + _("%(quorum)s: %(p)s of %(n)s full members.") % {
            "quorum": quorum,
            "p": meeting.present_voting,
            "n": meeting.entitled,
        }
    return detail


def log(*, meeting, action, by, detail=""):
    """A step of the meeting's life recorded by code outside this module (a room booked in centers)."""
    return MeetingEvent.log(meeting=meeting, action=action, by=by, detail=detail)


@transaction.atomic
def attach(*, meeting, upload, caption, by):
    attachment = MeetingAttachment.objects.create(
        meeting=meeting, file=stored_document(upload), caption=caption.strip(), uploaded_by=by
    )
    MeetingEvent.log(meeting=meeting, action=MeetingAction.ATTACHED, by=by, detail=attachment.caption)
    return attachment


@transaction.atomic
def save_record(*, form, by):
    """The minutes and details form of a meeting saved, with the fields it changed in the log."""
    meeting = form.save()
    if form.changed_data:
        labels = ", ".join(str(form.fields[name].label) for name in form.changed_data)
        MeetingEvent.log(meeting=meeting, action=MeetingAction.RECORD, by=by, detail=labels)
    return meeting


def update_record(*, meeting, **fields):
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=list(fields))
    return meeting


# --- compliance ------------------------------------------------------------------------------


@dataclass
class Period:
    first: date
    last: date
    held: int  # valid meetings held in the period
    state: str  # "held", "overdue", "due" (running, not held yet), "upcoming"


@dataclass
class Duty:
    unit: Unit
    kind: str
    frequency: str
    periods: list

    @property
    def kind_label(self):
        return MeetingKind(self.kind).label

    @property
    def frequency_label(self):
        return Frequency(self.frequency).label

    @cached_property
    def owed(self):
        """Periods that have ended, and the running one if already held."""
        return [p for p in self.periods if p.state in ("held", "overdue") or (p.state == "due" and p.held)]

    @cached_property
    def held(self):
        return sum(1 for p in self.owed if p.held)

    @cached_property
    def overdue(self):
        return [p for p in self.periods if p.state == "overdue"]

    @cached_property
    def current(self):
        return next((p for p in self.periods if p.state == "due"), None)


def _state(first, last, held, today):
    if held:
        return "held"
    if last < today:
        return "overdue"
    return "due" if first <= today else "upcoming"


def duties(units, year, today=None):
    """The duties of each organisation (a unit of a meeting level) for `year`, with the periods
    each owed and held. Two queries whatever the number of units."""
    today = today or timezone.localdate()
    units = [u for u in units if u.level in KINDS_BY_LEVEL]
    rules = {}
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min), tz)
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min), tz)
    held = {}
    meetings = Meeting.objects.filter(
        unit__in=units, starts_at__gte=start, starts_at__lt=end, attendance_taken=True, valid=True
    ).values_list("unit_id", "kind", "starts_at")
    for unit_id, kind, starts_at in meetings:
        held.setdefault((unit_id, kind), []).append(timezone.localtime(starts_at).date())
    found = []
    for unit in units:
        district = district_of(unit)
        if district not in rules:
            rules[district] = frequencies(district)
        for kind in KINDS_BY_LEVEL[unit.level]:
            days = held.get((unit.pk, kind), [])
            rows = []
            for first, last in _periods(rules[district][kind], year):
                n = sum(1 for day in days if first <= day <= last)
                rows.append(Period(first, last, n, _state(first, last, n, today)))
            found.append(Duty(unit, kind, rules[district][kind], rows))
    return found


def rates(found):
    """{kind: (held, owed)} over the duties."""
    table = {}
    for duty in found:
        held, owed = table.get(duty.kind, (0, 0))
        table[duty.kind] = (held + duty.held, owed + len(duty.owed))
    return table


def organisations(unit):
    """The organisations in a unit's subtree that hold meetings, in tree order."""
    return list(Unit.objects.under(unit).filter(level__in=list(KINDS_BY_LEVEL)).order_by("path"))


# --- a member's attendance -------------------------------------------------------------------


def _months_before(day, months):
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day.day, 28))


def absent(members, today=None):
    """The members of a queryset absent (without leave) from meetings over the last ABSENT_MONTHS
    months and present at none, who were already members before them. Leave with a reason is a
    good reason (the Constitution counts absence "without good reason"). A queryset: the database
    answers from the attendance of those months, however many members the queryset holds."""
    today = today or timezone.localdate()
    since = _months_before(today, ABSENT_MONTHS)
    recent = Attendance.objects.filter(
        member=OuterRef("pk"), meeting__starts_at__gte=timezone.make_aware(datetime.combine(since, time.min))
    )
    return (
        members.filter(joined_on__lte=since)
        .filter(Exists(recent.filter(presence=Presence.ABSENT)))
        .exclude(Exists(recent.filter(presence=Presence.PRESENT)))
    )


def absent_flags(members, today=None):
    """{member id: True} for the members (an iterable) that `absent` finds. One query."""
    ids = [m.pk for m in members]
    return dict.fromkeys(absent(Member.objects.filter(pk__in=ids), today).values_list("pk", flat=True), True)


def member_year(member, year):
    """The member's attendance rows of a year, with the counts per presence."""
    rows = list(
        Attendance.objects.filter(member=member, meeting__starts_at__year=year)
        .select_related("meeting", "meeting__unit")
        .order_by("meeting__starts_at")
    )
    counts = {p: sum(1 for r in rows if r.presence == p) for p in Presence.values}
    return rows, counts


def behind_this_period(found):
    """The duties whose running period is not held yet or that have an overdue period."""
    return [d for d in found if d.overdue or (d.current and not d.current.held)]
