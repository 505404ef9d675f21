"""Demo room bookings: the meetings of 梅岗社区's Party organisations from the last month on, held
in a function room of the community's own center (what grids' demo calls 梅岗社区党群服务中心)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from grids.demo.meetings import COMMUNITY
from grids.models import Level, Meeting, Unit

from ..models import RoomBooking, RoomKind
from ..services import bookings as services

KINDS = (RoomKind.MEETING, RoomKind.MEMBERS_HOME, RoomKind.HALL)


def seed(stdout=None):
    community = Unit.objects.filter(level=Level.COMMUNITY, name=COMMUNITY).first()
    if community is None or RoomBooking.objects.filter(meeting__unit__path__startswith=community.path).exists():
        return
    since = timezone.now() - timedelta(days=30)
    made = 0
    for meeting in (
        Meeting.objects.under(community).filter(starts_at__gte=since).select_related("unit").order_by("starts_at")
    ):
        room = services.rooms_for(meeting).filter(center__owner=community, kind__in=KINDS).first()
        if room is None:
            continue
        try:
            services.book(
                meeting=meeting,
                room=room,
                starts_at=meeting.starts_at,
                ends_at=meeting.starts_at + timedelta(hours=2),
                by=None,
            )
        except ValidationError:
            continue  # two branches met at the same hour: the second keeps its address
        made += 1
    if stdout:
        stdout.write(f"Room bookings: {made} in {COMMUNITY}.")
