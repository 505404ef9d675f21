"""Demo 组织关系转接 for 梅岗社区: a letter in flight to another community of the district, one
accepted (the member moved), one returned with its reason, one expired, one out of the district in
flight and one received from outside. Deterministic and idempotent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Level, Member, Transfer, Unit
from ..services import transfers as services

COMMUNITY = "梅岗社区"


@transaction.atomic
def seed(stdout=None):
    community = Unit.objects.filter(name=COMMUNITY, level=Level.COMMUNITY).first()
    if community is None or Transfer.objects.filter(unit__path__startswith=community.path).exists():
        return
    other = Unit.objects.filter(level=Level.GRID).exclude(path__startswith=community.path).order_by("path").first()
    members = list(Member.objects.under(community).filter(left_reason="").order_by("-pk")[:5])
    if other is None or len(members) < 5:
        return
    today = timezone.localdate()
    n = iter(range(1, 10))

    def letter(member, days_ago, **where):
        return services.issue_out(
            member=member,
            letter_number=f"福组转〔{today.year}〕{next(n):02d}号",
            issued_on=today - timedelta(days=days_ago),
            by=None,
            dues_paid_until=today.replace(day=1),
            **where,
        )

    letter(members[0], 5, to_unit=other)  # in flight, inside the district
    services.accept(transfer=letter(members[1], 20, to_unit=other), by=None, today=today - timedelta(days=10))
    services.return_letter(
        transfer=letter(members[2], 30, to_unit=other),
        reason="接收党组织名称有误，请重新开具",
        by=None,
        today=today - timedelta(days=25),
    )
    letter(members[3], 120, to_unit=other)
    services.expire(today=today)  # that one is past its validity
    letter(members[4], 12, outside_org="广州市天河区某街道党工委")  # out of the district, in flight
    if stdout:
        states = Transfer.objects.filter(unit__path__startswith=community.path).values_list("state", flat=True)
        stdout.write(f"Transfers: {len(states)} letters of {COMMUNITY} ({', '.join(sorted(set(states)))}).")
