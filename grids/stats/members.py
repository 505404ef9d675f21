"""The "members" section of /open/stats.json: counts only, never a name or a number of a person.
Members who left (转出, 出党, 去世) are not counted, nor their reports and claims."""

from django.db.models import Count

from portal.core.queries import count_many

from ..models import Category, Member, PostClaim, Report, ServicePost


def members_section(unit=None, **params):
    members = Member.objects.current()
    posts = ServicePost.objects.all()
    claims = PostClaim.objects.filter(member__left_reason="")
    reports = Report.objects.current()
    if unit:
        members = members.under(unit)
        posts = posts.filter(unit__path__startswith=unit.path)
        claims = claims.filter(post__unit__path__startswith=unit.path)
        reports = reports.under(unit)
    by_category = dict(members.values_list("category").annotate(n=Count("pk")).order_by())
    counts = count_many({"reported": reports, "posts": posts, "posts_claimed": claims})
    return {
        "total": sum(by_category.values()),
        "by_category": {category.value: by_category.get(category.value, 0) for category in Category},
        **counts,
    }
