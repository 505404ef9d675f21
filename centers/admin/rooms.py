"""Admin inline of function rooms on the center page."""

from ..models import Room
from .common import ScopedInline


class RoomInline(ScopedInline):
    model = Room
