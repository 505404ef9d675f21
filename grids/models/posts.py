"""Reporting and service posts: in-service members report (报到) to the building group where
they live, and members claim (认领) places on the service posts of a community or building group.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .members import Member
from .scoped import ScopedQuerySet
from .tree import Level, Unit


class ReportQuerySet(ScopedQuerySet):
    def current(self):
        """Reports of members on the books (not of those who left)."""
        return self.filter(member__left_reason="")

    def under(self, unit):
        return self.filter(building__path__startswith=unit.path)

    def counts_by(self, level, units=None):
        """{unit id: number of reports} for the units of `level` (building, community, street).

        One GROUP BY on the building's path prefix: a building's path holds the ids of all its
        ancestors, and the id at position `level` is its unit at that level."""
        counts = {}
        rows = self.values_list("building__path").annotate(n=Count("pk")).order_by()
        for path, n in rows:
            parts = path.strip("/").split("/")
            if len(parts) >= level:
                key = int(parts[level - 1])
                counts[key] = counts.get(key, 0) + n
        return counts


class Report(models.Model):
    """在职党员进社区报到: an in-service member reports to the building group where they live."""

    # The building group reported to sees the report, wherever the member is managed.
    scope_via = "building"

    member = models.OneToOneField(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="report")
    building = models.ForeignKey(
        Unit, verbose_name=_("building group"), on_delete=models.PROTECT, related_name="reports"
    )
    reported_on = models.DateField(_("date reported"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report to a building group")
        verbose_name_plural = _("reports to building groups")
        ordering = ["-reported_on"]

    def __str__(self):
        return f"{self.member} → {self.building}"


class PostKind(models.TextChoices):
    BUILDING_ASSISTANT = "building_assistant", _("Building head's assistant")
    WASTE_SORTING = "waste_sorting", _("Waste-sorting supervisor")
    SAFETY_PATROL = "safety_patrol", _("Safety patrol")
    CARE = "care", _("Care and assistance")
    CIVILISATION = "civilisation", _("Civilised-neighbourhood guide")
    OTHER = "other", _("Other")


class ServicePostQuerySet(ScopedQuerySet):
    def with_claimed(self):
        # Places held by members on the books: a member who left holds none.
        return self.annotate(n_claimed=Count("claims", filter=Q(claims__member__left_reason="")))


class ServicePost(models.Model):
    """服务岗位 offered by a building group or community, with a number of places."""

    scope_via = "unit"

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="service_posts")
    kind = models.CharField(_("kind"), max_length=30, choices=PostKind.choices)
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveSmallIntegerField(_("places"), default=1, validators=[MinValueValidator(1)])
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServicePostQuerySet.as_manager()

    class Meta:
        verbose_name = _("service post")
        verbose_name_plural = _("service posts")
        ordering = ["unit__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="service_post_capacity_positive",
                violation_error_message=_("A post has at least one place."),
            ),
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="service_post_unique_name_per_unit",
                violation_error_message=_("This unit already has a post with this name."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.unit_id and self.unit.level not in (Level.COMMUNITY, Level.BUILDING):
            raise ValidationError({"unit": _("Choose a building group or a community.")})


class PostClaim(models.Model):
    """A member claims (认领) a place on a service post."""

    # The post's unit, which offers the place, whoever claims it.
    scope_via = "post__unit"

    post = models.ForeignKey(
        ServicePost, verbose_name=_("service post"), on_delete=models.CASCADE, related_name="claims"
    )
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="claims")
    claimed_on = models.DateField(_("date claimed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("post claim")
        verbose_name_plural = _("post claims")
        ordering = ["-claimed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"],
                name="post_claim_once_per_member",
                violation_error_message=_("This member has already claimed this post."),
            )
        ]

    def __str__(self):
        return f"{self.member} · {self.post}"
