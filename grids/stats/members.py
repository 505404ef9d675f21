"""The "members" section of /open/stats.json: counts only, never a name or a number of a person.
Members who left (转出, 出党, 去世) are not counted, nor their reports and claims. Their
organisational life as the number of meetings held (taken place with their attendance, and valid),
in all and per kind, in `year` when asked: no topic, place, host or attendance."""

from django.db.models import Count

from portal.core.queries import count_many

from ..models import Category, Member, PostClaim, Report, ServicePost
from ..models.meetings import Meeting, MeetingKind


def members_section(unit=None, year=None, **params):
    members = Member.objects.current()
    posts = ServicePost.objects.all()
    claims = PostClaim.objects.filter(member__left_reason="")
    reports = Report.objects.current()
    if unit:
        members = members.under(unit)
        posts = posts.filter(unit__path__startswith=unit.path)
        claims = claims.filter(post__unit__path__startswith=unit.path)
        reports = reports.under(unit)
    held = Meeting.objects.filter(attendance_taken=True, valid=True)
    held = held.under(unit) if unit else held
    held = held.filter(starts_at__year=year) if year else held
    # In the one SELECT of the other counts: the public pages' query budget stays as it was.
    kinds = {f"held_{kind}": held.filter(kind=kind) for kind in MeetingKind.values}
    by_category = dict(members.values_list("category").annotate(n=Count("pk")).order_by())
    counts = count_many({"reported": reports, "posts": posts, "posts_claimed": claims, "held": held} | kinds)
    meetings = {
        "meetings_held": counts.pop("held"),
        "meetings_held_by_kind": {kind: counts.pop(f"held_{kind}") for kind in MeetingKind.values},
    }
    return {
        "total": sum(by_category.values()),
        "by_category": {category.value: by_category.get(category.value, 0) for category in Category},
        **counts,
        "organisational_life": meetings,
    }
