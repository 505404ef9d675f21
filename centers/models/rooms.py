"""Function rooms (功能室) of a center, with their areas, and the 10% office-space rule (001)."""

import functools

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.models import ScopedQuerySet
from portal.core.standard_names import chinese_active, stored_names


class RoomKind(models.TextChoices):
    OFFICE = "office", _("Office space")
    MEETING = "meeting", _("Meeting room")
    HALL = "hall", _("Multi-purpose hall")
    DANCE = "dance", _("Dance room")
    TRAINING = "training", _("Training room")
    AFTER_SCHOOL = "after_school", _("430 after-school class")
    READING = "reading", _("Reading corner")
    CANTEEN = "canteen", _("Seniors' canteen")
    MEMBERS_HOME = "members_home", _("Party members' home")
    OTHER = "other", _("Other")


# Names a room commonly carries that only say its kind, besides the kind's own Chinese label.
KIND_NAMES = {RoomKind.OFFICE: ["办公室"]}


@functools.cache
def generic_names():
    """kind -> the Chinese names that only repeat the kind (shown as the kind in other languages)."""
    labels = stored_names(RoomKind.labels)
    return {kind: {label, *KIND_NAMES.get(kind, [])} for kind, label in zip(RoomKind.values, labels, strict=True)}


OFFICE_SHARE_LIMIT = 0.1  # office space ≤ 10% of the total function-room area (001)
OFFICE_SHARE_DIVISOR = 10  # the same rule in integer form for SQL: room_area ≥ 10 × office_area


class Room(models.Model):
    scope_via = "center__owner"

    center = models.ForeignKey(
        "centers.Center", verbose_name=_("center"), on_delete=models.PROTECT, related_name="rooms"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RoomKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    area = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=1, validators=[MinValueValidator(0.1)])
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("function room")
        verbose_name_plural = _("function rooms")
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__gt=0),
                name="room_area_positive",
                violation_error_message=_("The area must be more than zero."),
            )
        ]

    def __str__(self):
        # A room called by its kind (多功能厅, 书吧) reads as its kind in English; a name of its
        # own (红色书屋) is a proper name and stays.
        if not self.name or (not chinese_active() and self.name in generic_names().get(self.kind, ())):
            return self.get_kind_display()
        return self.name
