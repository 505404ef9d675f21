"""Admin inlines of opening hours: weekly intervals and closure dates on the center page."""

from ..models import Closure, OpeningInterval
from .common import ScopedInline


class IntervalInline(ScopedInline):
    model = OpeningInterval


class ClosureInline(ScopedInline):
    model = Closure
