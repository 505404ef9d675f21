"""Reporting and service-post workflows: record a member's report (报到), claim a place on a
post under a row lock, release it."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Category, Level, Member, PostClaim, Report, ServicePost


def _has_left(member):
    # Read from the database: the caller's instance may predate the member's leaving.
    return Member.objects.filter(pk=member.pk).departed().exists()


@transaction.atomic
def report_member(*, member, building, by, reported_on=None):
    """在职党员进社区报到: record (or change) the building group a member reports to."""
    if _has_left(member):
        raise ValidationError({"building": _("A member who left does not report any more.")})
    if member.category != Category.IN_SERVICE:
        raise ValidationError({"building": _("Only in-service members report to a building group.")})
    if building.level != Level.BUILDING:
        raise ValidationError({"building": _("Choose a building group.")})
    report, _created = Report.objects.update_or_create(
        member=member,
        defaults={"building": building, "reported_on": reported_on or date.today(), "recorded_by": by},
    )
    return report


class PostFull(ValidationError):
    pass


@transaction.atomic
def claim_post(*, post, member, by, claimed_on=None):
    """A member claims a place on a post. The post row is locked while its claims are counted,
    so two claims racing for the last place are serialised and the second one sees it full."""
    post = ServicePost.objects.select_for_update().get(pk=post.pk)
    if _has_left(member):
        raise ValidationError(_("A member who left cannot claim a post."))
    if PostClaim.objects.filter(post=post, member=member).exists():
        raise ValidationError(_("This member has already claimed this post."))
    # A member who left holds no place (ServicePost.with_claimed counts the same way).
    if PostClaim.objects.filter(post=post, member__left_reason="").count() >= post.capacity:
        raise PostFull(_("This post is full: all %(n)d places are taken.") % {"n": post.capacity})
    return PostClaim.objects.create(post=post, member=member, claimed_on=claimed_on or date.today(), recorded_by=by)


def release_claim(*, claim):
    claim.delete()
