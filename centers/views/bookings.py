"""Room bookings (staff): book a center's room for a meeting of a Party organisation, cancel it,
and the booking section shown on the meeting's page (registered with grids' section hook).

The meeting is read through the scope with EDIT on its organisation; the rooms offered are those of
the centers serving it (centers.services.bookings.rooms_for)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grids.models import Meeting
from grids.scope import EDIT, scope_for
from portal.core.forms import add_service_errors

from ..forms.bookings import BookingForm
from ..services import bookings as services


def _meeting(request, meeting_pk):
    return scope_for(request.user).get_object_or_404(Meeting.objects.select_related("unit"), need=EDIT, pk=meeting_pk)


@login_required
def meeting_room(request, meeting_pk):
    meeting = _meeting(request, meeting_pk)
    booking = services.current(meeting)
    rooms = services.rooms_for(meeting)
    form = BookingForm(request.POST or None, meeting=meeting, rooms=rooms, booking=booking)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.book(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Booked %(room)s.") % {"room": services.room_label(booking.room)})
            return redirect("meeting_detail", meeting_pk=meeting.pk)
    context = {
        "form": form,
        "meeting": meeting,
        "booked": services.room_label(booking.room) if booking else "",
        "has_rooms": rooms.exists(),
    }
    return render(request, "centers/bookings/meeting_room.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_room_cancel(request, meeting_pk):
    meeting = _meeting(request, meeting_pk)
    if request.method != "POST":
        booking = services.current(meeting)
        context = {
            "title": _("Cancel the room booking of %(topic)s?") % {"topic": meeting.topic},
            "text": services.room_label(booking.room) if booking else _("This meeting has no room booked."),
            "button": _("Cancel the booking"),
            "allowed": booking is not None,
            "back": reverse("meeting_detail", args=[meeting.pk]),
        }
        return render(request, "grids/members/confirm.html", context)
    try:
        services.cancel(meeting=meeting, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Room booking cancelled."))
    return redirect("meeting_detail", meeting_pk=meeting.pk)


def meeting_section(request, meeting):
    """The booking section of a meeting's page (the meeting is in the user's scope already)."""
    booking = services.current(meeting)
    context = {
        "meeting": meeting,
        "booking": booking,
        "covers": booking.covers(meeting.starts_at) if booking else True,
        "can_edit": scope_for(request.user).allows(meeting.unit, EDIT),
    }
    return render_to_string("centers/bookings/meeting_section.html", context, request=request)
