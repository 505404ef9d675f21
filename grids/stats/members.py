"""The "members" section of /open/stats.json: counts only, never a name or a number of a person."""

from django.db.models import Count

from portal.core.queries import count_many

from ..models import Category, Member, PostClaim, Report, ServicePost


def members_section(unit=None, **params):
    members = Member.objects.under(unit) if unit else Member.objects.all()
    posts = ServicePost.objects.filter(unit__path__startswith=unit.path) if unit else ServicePost.objects.all()
    claims = PostClaim.objects.filter(post__unit__path__startswith=unit.path) if unit else PostClaim.objects.all()
    reports = Report.objects.under(unit) if unit else Report.objects.all()
    by_category = dict(members.values_list("category").annotate(n=Count("pk")).order_by())
    counts = count_many({"reported": reports, "posts": posts, "posts_claimed": claims})
    return {
        "total": sum(by_category.values()),
        "by_category": {category.value: by_category.get(category.value, 0) for category in Category},
        **counts,
    }
