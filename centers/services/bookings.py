"""Booking a center's function room for a meeting of a Party organisation.

Which rooms a meeting may take: those of the operating centers that serve its organisation, i.e.
owned by the organisation's unit or one above it (the community's center, the street's, the
district's), or by a unit inside it (a grid's micro-post 微阵地 for the grid branch). Centers and
their rooms are public; the right to book comes from EDIT on the meeting's organisation.

Two bookings of one room may not share a minute; one may start exactly when the other ends. The
room's row is locked while the calendar is read and written, so two staff booking the same room at
the same moment cannot both pass the check (PostgreSQL; SQLite serialises writers anyway).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import MeetingAction
from grids.services.meetings import log, update_record

from ..models import Room, RoomBooking, Status

LONGEST = timedelta(hours=12)
DEFAULT_LENGTH = timedelta(hours=2)


def _line(unit):
    """The paths of `unit` and every unit above it ("/1/", "/1/5/", "/1/5/23/")."""
    parts = unit.path.strip("/").split("/")
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def rooms_for(meeting):
    """The rooms `meeting` may book, with their centers, in one query."""
    unit = meeting.unit
    return (
        Room.objects.filter(center__status=Status.OPERATING)
        .filter(Q(center__owner__path__in=_line(unit)) | Q(center__owner__path__startswith=unit.path))
        .select_related("center")
        .order_by("center__name", "center_id", "kind", "name", "pk")
    )


def room_label(room):
    return f"{room.center.name} · {room}"


def current(meeting):
    return RoomBooking.objects.active().filter(meeting=meeting).select_related("room__center", "booked_by").first()


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def book(*, meeting, room, starts_at, ends_at, by):
    """Book `room` for `meeting` from starts_at to ends_at, replacing the meeting's booking if it
    has one, and write the room into the meeting's place. ValidationError (nothing changed) for a
    room the meeting may not take, a time the wrong way round or over 12 hours, or a clash."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The booking must end after it starts.")})
    if ends_at - starts_at > LONGEST:
        raise ValidationError({"ends_at": _("A booking may last at most 12 hours.")})
    if not rooms_for(meeting).filter(pk=room.pk).exists():
        raise ValidationError({"room": _("This room is not in a center serving this organisation.")})
    # The lock every booking of this room takes first: the check below and the insert are one step.
    room = Room.objects.select_for_update().select_related("center").get(pk=room.pk)
    clash = (
        RoomBooking.objects.overlapping(room, starts_at, ends_at)
        .exclude(meeting=meeting)
        .select_related("meeting__unit")
        .first()
    )
    if clash:
        raise ValidationError(
            _("%(room)s is already booked from %(start)s to %(end)s by %(org)s. Choose another time or room.")
            % {
                "room": room_label(room),
                "start": _when(clash.starts_at),
                "end": _when(clash.ends_at),
                "org": clash.meeting.unit.name,
            }
        )
    for earlier in RoomBooking.objects.active().filter(meeting=meeting):  # saved one by one: the audit trail sees it
        earlier.cancelled_at, earlier.cancelled_by = timezone.now(), by
        earlier.save(update_fields=["cancelled_at", "cancelled_by"])
    booking = RoomBooking.objects.create(room=room, meeting=meeting, starts_at=starts_at, ends_at=ends_at, booked_by=by)
    update_record(meeting=meeting, place=room_label(room)[:150])
    when = f"{_when(starts_at)}–{timezone.localtime(ends_at):%H:%M}"
    log(meeting=meeting, action=MeetingAction.ROOM_BOOKED, by=by, detail=f"{room_label(room)} · {when}")
    return booking


@transaction.atomic
def cancel(*, meeting, by):
    """Cancel the meeting's booking (the row stays, marked cancelled); the place text is kept."""
    booking = RoomBooking.objects.select_for_update().active().filter(meeting=meeting).first()
    if booking is None:
        raise ValidationError(_("This meeting has no room booked."))
    booking.cancelled_at, booking.cancelled_by = timezone.now(), by
    booking.save(update_fields=["cancelled_at", "cancelled_by"])
    log(meeting=meeting, action=MeetingAction.ROOM_CANCELLED, by=by, detail=room_label(booking.room))
    return booking


def center_calendar(bookings, center, since):
    """The active bookings of `center`'s rooms ending after `since` (a scoped queryset), in time order."""
    return (
        bookings.active()
        .filter(room__center=center, ends_at__gt=since)
        .select_related("room", "meeting__unit")
        .order_by("starts_at", "pk")
    )
