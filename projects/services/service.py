"""Service-project workflows: star ratings with their reasons, and the verified cover image."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.core.images import process_image

from ..models.service import StarRating


def rate_project(*, project, stars, reason, user):
    """Record a star rating with its reason; the project shows the latest one."""
    stars = int(stars)
    if not 1 <= stars <= 5:
        raise ValidationError(_("A star rating is between 1 and 5."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the rating."))
    with transaction.atomic():
        rating = StarRating.objects.create(project=project, stars=stars, reason=reason, rated_by=user)
        type(project).objects.filter(pk=project.pk).update(star_rating=stars)
        project.star_rating = stars
    return rating


def store_cover(*, project, upload):
    """Verified display copy and thumbnail of an uploaded cover (same rules as center photos)."""
    display, thumb = process_image(upload)
    project.cover.save(f"cover-{project.pk}.jpg", display, save=False)
    project.cover_thumb.save(f"cover-{project.pk}-thumb.jpg", thumb, save=False)
    project.save(update_fields=["cover", "cover_thumb"])
