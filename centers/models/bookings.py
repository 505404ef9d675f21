"""Room bookings (预订): a function room of a center taken for a meeting of a Party organisation
(grids' 三会一课, 主题党日 ...).

The booking lives here, above grids, with its foreign key down to the meeting: grids knows
nothing of centers, and shows the booking on the meeting's page through the section hook that
this app registers (grids.services.meetings_sections). A booking is an entry of the center's
room calendar, so it hangs on the tree by its room's center (the center's staff see every booking
of their rooms). Cancelling keeps the row (`cancelled_at`): history is never deleted by staff.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grids.models import ScopedQuerySet


class RoomBookingQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)

    def overlapping(self, room, starts_at, ends_at):
        """Active bookings of `room` sharing some time with [starts_at, ends_at): one ending
        exactly when the other starts does not overlap."""
        return self.active().filter(room=room, starts_at__lt=ends_at, ends_at__gt=starts_at)


class RoomBooking(models.Model):
    scope_via = "room__center__owner"

    room = models.ForeignKey(
        "centers.Room", verbose_name=_("function room"), on_delete=models.PROTECT, related_name="bookings"
    )
    meeting = models.ForeignKey(
        "grids.Meeting", verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="room_bookings"
    )
    starts_at = models.DateTimeField(pgettext_lazy("booking", "From"))
    ends_at = models.DateTimeField(pgettext_lazy("booking", "Until"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("booked by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RoomBookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["room", "starts_at"], name="roombooking_room_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="room_booking_ends_after_start",
                violation_error_message=_("A booking ends after it starts."),
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(cancelled_at__isnull=True),
                name="room_booking_one_per_meeting",
                violation_error_message=_("This meeting has a room booked already."),
            ),
        ]

    def __str__(self):
        return f"{self.room} · {self.starts_at:%Y-%m-%d %H:%M}"

    def covers(self, moment):
        return self.starts_at <= moment < self.ends_at
