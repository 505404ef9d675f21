"""The form booking a center's room for a meeting: the room among those serving the meeting's
organisation, and the time (by default the meeting's start and two hours)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grids.forms.meetings import DateTimeLocalInput

from ..services.bookings import DEFAULT_LENGTH, room_label


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, room):
        if room.capacity:
            return _("%(room)s (%(n)s seats)") % {"room": room_label(room), "n": room.capacity}
        return room_label(room)


class BookingForm(forms.Form):
    room = RoomChoiceField(label=_("Function room"), queryset=None, empty_label=None)
    starts_at = forms.DateTimeField(label=pgettext_lazy("booking", "From"), widget=DateTimeLocalInput())
    ends_at = forms.DateTimeField(label=pgettext_lazy("booking", "Until"), widget=DateTimeLocalInput())

    def __init__(self, *args, meeting, rooms, booking=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        start = timezone.localtime(booking.starts_at if booking else meeting.starts_at)
        end = timezone.localtime(booking.ends_at) if booking else start + DEFAULT_LENGTH
        self.fields["starts_at"].initial, self.fields["ends_at"].initial = start, end
        if booking:
            self.fields["room"].initial = booking.room_id
