"""Volunteer and Party-brand service projects (品牌项目 / 志愿服务项目), their star ratings and
the volunteer teams, issue 5.

A project belongs to a unit of the tree (scoping goes through `unit`), is star-rated with a
history (社区党建品牌星级化管理, 000), and holds activities residents sign up for without an
account. Every total (volunteer, team, project, /open/stats.json) is a database sum over the
service records of activities/.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grids.models import ScopedQuerySet

from .common import center_has_public_page, count_rows, sum_hours

__all__ = ["ProjectCategory", "ProjectStatus", "ServiceProject", "StarRating", "VolunteerTeam"]


class ProjectCategory(models.TextChoices):
    ELDERLY = "elderly", _("Elderly care")
    DISABLED = "disabled", _("Disability support")
    STUDY = "study", _("Study support / 430 class")
    CULTURE = "culture", _("Culture")
    ENVIRONMENT = "environment", _("Environment")
    SAFETY = "safety", _("Public safety")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal aid")
    OTHER = "other", _("Other")


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", pgettext_lazy("project status", "In preparation")
    ACTIVE = "active", _("Running")
    ENDED = "ended", _("Ended")


class ServiceProjectQuerySet(ScopedQuerySet):
    def public(self):
        """What residents see: everything but projects still in preparation."""
        return self.exclude(status=ProjectStatus.PLANNING)

    def under(self, unit):
        return self.filter(unit__path__startswith=unit.path)

    def with_hours(self):
        from .activities import ServiceRecord  # activities.py imports this module

        records = ServiceRecord.objects.filter(activity__project=OuterRef("pk"))
        return self.annotate(total_hours=sum_hours(records))

    def with_activity_counts(self):
        from .activities import Activity

        return self.annotate(n_activities=count_rows(Activity.objects.filter(project=OuterRef("pk"))))


class ServiceProject(models.Model):
    scope_via = "unit"

    unit = models.ForeignKey(
        "grids.Unit", verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="service_projects"
    )
    # SET_NULL: the project belongs to its unit, the center is only where it is based; removing
    # a center record (one entered by mistake) must not take the project or its history along.
    center = models.ForeignKey(
        "centers.Center",
        verbose_name=_("service center"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_projects",
    )
    title = models.CharField(_("title"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=ProjectCategory.choices)
    description = models.TextField(_("description"), blank=True)
    cover = models.ImageField(_("cover image"), upload_to="projects/covers/", blank=True)
    cover_thumb = models.ImageField(upload_to="projects/covers/thumbs/", blank=True, editable=False)
    star_rating = models.PositiveSmallIntegerField(
        _("star rating"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set through a rating with a reason, so the history is kept."),
    )
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNING)
    beneficiary_visits = models.PositiveIntegerField(_("beneficiary visits"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ServiceProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("service project")
        verbose_name_plural = _("service projects")
        ordering = ["-star_rating", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(star_rating__isnull=True) | Q(star_rating__gte=1, star_rating__lte=5),
                name="service_project_star_rating_1_to_5",
                violation_error_message=_("A star rating is between 1 and 5."),
            ),
            models.UniqueConstraint(
                fields=["unit", "title"],
                name="service_project_unique_title_per_unit",
                violation_error_message=_("This unit already has a project with this title."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def center_public(self):
        return center_has_public_page(self.center)

    @property
    def stars_display(self):
        return "★" * (self.star_rating or 0) + "☆" * (5 - (self.star_rating or 0))


class StarRating(models.Model):
    """One rating decision: who rated, when, why. The project's star_rating is the latest."""

    scope_via = "project__unit"

    project = models.ForeignKey(
        ServiceProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="ratings"
    )
    stars = models.PositiveSmallIntegerField(_("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    reason = models.TextField(_("reason"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("star rating")
        verbose_name_plural = _("star ratings")
        ordering = ["-rated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5),
                name="star_rating_stars_1_to_5",
                violation_error_message=_("A star rating is between 1 and 5."),
            )
        ]

    def __str__(self):
        return f"{self.project} · {self.stars}★"


class VolunteerTeamQuerySet(ScopedQuerySet):
    def with_hours(self):
        from .activities import ServiceRecord  # activities.py imports this module

        # A volunteer in two teams counts towards both: the team's total is its members' hours.
        records = ServiceRecord.objects.filter(volunteer__teams=OuterRef("pk"))
        return self.annotate(total_hours=sum_hours(records))

    def ranked(self):
        """Teams by their kept total (`ranked_hours`): the public ranking reads its 50 rows by an
        index, never every service record (issue 15: 46 → 693 ms at ten times the records)."""
        return self.order_by("-ranked_hours", "name", "pk")

    def refresh_ranking(self):
        """Recompute `ranked_hours` of these teams in one UPDATE (a team's total is its members'
        hours: a volunteer in two teams counts towards both)."""
        from .activities import ServiceRecord  # activities.py imports this module

        records = ServiceRecord.objects.filter(volunteer__teams=OuterRef("pk"))
        return self.order_by().update(ranked_hours=sum_hours(records))

    def of_volunteers(self, volunteer_ids):
        """The teams these volunteers belong to (a subquery, usable with `refresh_ranking`)."""
        links = VolunteerTeam.members.through.objects.filter(volunteer__in=volunteer_ids)
        return self.filter(pk__in=links.values("volunteerteam"))

    def with_member_counts(self):
        memberships = VolunteerTeam.members.through.objects.filter(volunteerteam=OuterRef("pk"))
        return self.annotate(n_members=count_rows(memberships))


class VolunteerTeam(models.Model):
    scope_via = "unit"

    unit = models.ForeignKey(
        "grids.Unit", verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="volunteer_teams"
    )
    name = models.CharField(_("name"), max_length=100)
    speciality = models.CharField(_("speciality"), max_length=100, blank=True)
    leader = models.ForeignKey(
        "Volunteer",
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )

    # Kept by VolunteerTeamQuerySet.refresh_ranking: when hours are recorded or a volunteer's
    # teams change (same transaction), and by the scheduled `refresh_team_ranking` as a net.
    ranked_hours = models.DecimalField(
        _("hours in the ranking"), max_digits=12, decimal_places=2, default=0, editable=False
    )

    objects = VolunteerTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["name", "pk"]
        indexes = [models.Index(F("ranked_hours").desc(), "name", "id", name="volunteer_team_ranking")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="volunteer_team_unique_name_per_unit",
                violation_error_message=_("This unit already has a team with this name."),
            )
        ]

    def __str__(self):
        return self.name
