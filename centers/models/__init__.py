"""The centers app's models, one module per topic (each re-exported here):

- centers.py: the centers themselves (kinds, status, services offered, the nearby query) and photos.
- hours.py: weekly opening intervals and closure dates.
- rooms.py: function rooms and the 10% office-space rule.
- bookings.py: a room booked for a meeting of a Party organisation (grids).
"""

from .bookings import RoomBooking, RoomBookingQuerySet
from .centers import (
    LANDLINE_PATTERN,
    Center,
    CenterQuerySet,
    Kind,
    Photo,
    Service,
    Status,
    SubKind,
    distance_expression,
    validate_phone,
)
from .hours import Closure, OpeningInterval
from .rooms import OFFICE_SHARE_DIVISOR, OFFICE_SHARE_LIMIT, Room, RoomKind

__all__ = [
    "LANDLINE_PATTERN",
    "OFFICE_SHARE_DIVISOR",
    "OFFICE_SHARE_LIMIT",
    "Center",
    "CenterQuerySet",
    "Closure",
    "Kind",
    "OpeningInterval",
    "Photo",
    "Room",
    "RoomBooking",
    "RoomBookingQuerySet",
    "RoomKind",
    "Service",
    "Status",
    "SubKind",
    "distance_expression",
    "validate_phone",
]
