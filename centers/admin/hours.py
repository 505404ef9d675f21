"""Admin inlines of opening hours: weekly intervals and closure dates on the center page."""

from ..forms.hours import MAX_CLOSURES, MAX_INTERVALS
from ..models import Closure, OpeningInterval
from .common import ScopedInline


class IntervalInline(ScopedInline):
    model = OpeningInterval
    max_num = MAX_INTERVALS


class ClosureInline(ScopedInline):
    model = Closure
    max_num = MAX_CLOSURES
