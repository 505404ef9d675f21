"""Admin inline of function rooms on the center page."""

from ..forms.rooms import MAX_ROOMS
from ..models import Room
from .common import ScopedInline


class RoomInline(ScopedInline):
    model = Room
    max_num = MAX_ROOMS
