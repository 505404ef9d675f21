"""Organisational life (组织生活) of the Party organisations on the tree: 三会一课, 主题党日,
组织生活会 and 民主评议党员 (《中国共产党支部工作条例（试行）》, 2018), with attendance taken per
member, minutes, attachments, and the quorum of a 支部党员大会.

A meeting belongs to the organisation of a unit: a community's Party committee, a grid's branch or
a building's Party group. Its place is free text (an address); a center's room is booked from the
centers app above (centers.models.RoomBooking points down at the meeting and writes the room into
`place`; grids shows it through services.meetings_sections). Each step of a meeting's life is a
MeetingEvent (grids.models.events).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .events import StateEvent
from .members import Member
from .scoped import ScopedQuerySet
from .tree import Level, Unit


class MeetingKind(models.TextChoices):
    BRANCH_ASSEMBLY = "assembly", _("Branch members' assembly")
    COMMITTEE = "committee", _("Branch committee meeting")
    GROUP = "group", _("Party group meeting")
    LECTURE = "lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Theme Party day")
    LIFE_MEETING = "life_meeting", _("Organisational life meeting")
    APPRAISAL = "appraisal", _("Democratic appraisal of members")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Twice a year")
    YEARLY = "yearly", _("Yearly")


# Periods a year of each frequency.
PERIODS = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.HALF_YEARLY: 2, Frequency.YEARLY: 1}

# 支部工作条例 (2018) art. 18–20: assembly generally once a quarter, committee and Party group
# monthly, 主题党日 one fixed day a month, 组织生活会 and 民主评议 generally once a year. The 党课
# rule fixes only that secretaries give at least one a year: quarterly is this portal's default.
DEFAULT_FREQUENCIES = {
    MeetingKind.BRANCH_ASSEMBLY: Frequency.QUARTERLY,
    MeetingKind.COMMITTEE: Frequency.MONTHLY,
    MeetingKind.GROUP: Frequency.MONTHLY,
    MeetingKind.LECTURE: Frequency.QUARTERLY,
    MeetingKind.THEME_DAY: Frequency.MONTHLY,
    MeetingKind.LIFE_MEETING: Frequency.YEARLY,
    MeetingKind.APPRAISAL: Frequency.YEARLY,
}

# Which organisation holds which kinds: a community's Party committee meets as a committee; a
# grid branch holds the branch's meetings; a building Party group its group meetings.
KINDS_BY_LEVEL = {
    Level.COMMUNITY: (MeetingKind.COMMITTEE,),
    Level.GRID: (
        MeetingKind.BRANCH_ASSEMBLY,
        MeetingKind.COMMITTEE,
        MeetingKind.LECTURE,
        MeetingKind.THEME_DAY,
        MeetingKind.LIFE_MEETING,
        MeetingKind.APPRAISAL,
    ),
    Level.BUILDING: (MeetingKind.GROUP,),
}
MEETING_LEVELS = tuple(KINDS_BY_LEVEL)


class MeetingRule(models.Model):
    """A district's frequency for a kind of meeting, overriding DEFAULT_FREQUENCIES."""

    scope_via = "district"

    district = models.ForeignKey(
        Unit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="meeting_rules",
        limit_choices_to={"level": Level.DISTRICT},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Frequency.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting frequency")
        verbose_name_plural = _("meeting frequencies")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind"],
                name="meeting_rule_once_per_kind",
                violation_error_message=_("This district already sets the frequency of this kind."),
            )
        ]

    def __str__(self):
        return f"{self.district} · {self.get_kind_display()} · {self.get_frequency_display()}"


class MeetingQuerySet(ScopedQuerySet):
    def under(self, unit):
        return self.filter(unit__path__startswith=unit.path)


class Meeting(models.Model):
    """A meeting of a unit's Party organisation. `valid` is False for a 支部党员大会 whose full
    members present were not more than half of those entitled to vote (set with the attendance)."""

    scope_via = "unit"

    unit = models.ForeignKey(
        Unit, verbose_name=_("Party organisation"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=150, help_text=_("An address, or a center and its room."))
    topic = models.CharField(_("topic"), max_length=150)
    host = models.CharField(pgettext_lazy("meeting", "host"), max_length=50)
    minutes = models.TextField(_("minutes"), blank=True)
    resolutions = models.TextField(_("resolutions"), blank=True)
    attendance_taken = models.BooleanField(_("attendance taken"), default=False)
    entitled = models.PositiveIntegerField(_("members entitled to vote"), default=0)
    present_voting = models.PositiveIntegerField(_("voting members present"), default=0)
    valid = models.BooleanField(_("valid"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["unit", "kind", "starts_at"], name="meeting_unit_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(present_voting__lte=models.F("entitled")),
                name="meeting_present_within_entitled",
                violation_error_message=_("More voting members present than entitled."),
            )
        ]

    def __str__(self):
        return self.topic

    def clean(self):
        super().clean()
        if self.unit_id and self.kind and self.kind not in KINDS_BY_LEVEL.get(self.unit.level, ()):
            raise ValidationError({"kind": _("This organisation does not hold this kind of meeting.")})

    @property
    def needs_quorum(self):
        return self.kind == MeetingKind.BRANCH_ASSEMBLY

    @property
    def held(self):
        """Counts as held for compliance: taken place with its attendance, and valid."""
        return self.attendance_taken and self.valid


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    LEAVE = "leave", _("On leave")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    scope_via = "meeting__unit"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="attendance")
    presence = models.CharField(_("attendance"), max_length=10, choices=Presence.choices)
    reason = models.CharField(_("reason for leave"), max_length=100, blank=True)
    # Full members vote; probationary members attend without a vote (Party Constitution art. 7).
    voting = models.BooleanField(_("entitled to vote"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="attendance_once_per_member",
                violation_error_message=_("This member's attendance is already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(presence=Presence.LEAVE) | ~Q(reason=""),
                name="attendance_leave_has_reason",
                violation_error_message=_("Leave needs a reason."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.meeting}"


class MeetingAttachment(models.Model):
    """A photo or PDF of a meeting (minutes signed on paper, the sign-in sheet, photos), stored
    under a random name with the extension its bytes prove (portal.core.uploads)."""

    scope_via = "meeting__unit"

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="meetings/%Y/")
    caption = models.CharField(_("caption"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.caption

    @property
    def is_pdf(self):
        return self.file.name.endswith(".pdf")


class MeetingAction(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ATTENDANCE = "attendance", _("Attendance recorded")
    RECORD = "record", _("Minutes and details changed")
    ATTACHED = "attached", _("File attached")
    ROOM_BOOKED = "room_booked", _("Center room booked")
    ROOM_CANCELLED = "room_cancelled", _("Center room booking cancelled")


class MeetingEvent(StateEvent):
    """A step in a meeting's life (grids.models.events): planned, attendance recorded (valid or
    not), its record changed, a file attached, a center's room booked or cancelled."""

    scope_via = "meeting__unit"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="events")
    action = models.CharField(pgettext_lazy("event", "what"), max_length=20, choices=MeetingAction.choices)

    objects = ScopedQuerySet.as_manager()

    class Meta(StateEvent.Meta):
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")

    def __str__(self):
        return f"{self.meeting} · {self.get_action_display()}"
