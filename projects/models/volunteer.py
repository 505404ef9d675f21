"""Volunteer and Party-brand service projects (品牌项目 / 志愿服务项目), issue 5.

A project belongs to a unit of the tree (scoping goes through `unit`), is star-rated with a
history (社区党建品牌星级化管理, 000), and holds activities residents sign up for without an
account. Staff mark attendance after an activity as service records with hours; every total
(volunteer, team, project, /open/stats.json) is a database sum over those records.
"""

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centers.models import Status as CenterStatus
from portal.core.personal import mask_mobile, validate_mobile

__all__ = [
    "Activity",
    "Certificate",
    "ProjectCategory",
    "ProjectStatus",
    "ServiceProject",
    "ServiceRecord",
    "Signup",
    "StarRating",
    "Volunteer",
    "VolunteerTeam",
]

HOURS = DecimalField(max_digits=10, decimal_places=2)
ZERO_HOURS = Value(Decimal("0.00"), output_field=HOURS)


def center_has_public_page(center):
    """Whether /centers/<id>/ shows this center (as CenterQuerySet.public(): not one in preparation)."""
    return center is not None and center.status != CenterStatus.PREPARING


def _sum_hours(records):
    """A correlated subquery summing hours: no join fan-out when several totals are annotated."""
    total = records.order_by().annotate(_one=Value(1)).values("_one").annotate(total=Sum("hours")).values("total")
    return Coalesce(Subquery(total[:1], output_field=HOURS), ZERO_HOURS)


def _count(rows):
    """A correlated subquery counting rows. A Count() join next to a subquery sum would make
    PostgreSQL group by the subquery and run it once per joined row (minutes at 100k records)."""
    counts = rows.order_by().annotate(_one=Value(1)).values("_one").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts[:1], output_field=models.IntegerField()), 0)


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


class ServiceProjectQuerySet(models.QuerySet):
    def public(self):
        """What residents see: everything but projects still in preparation."""
        return self.exclude(status=ProjectStatus.PLANNING)

    def under(self, unit):
        return self.filter(unit__path__startswith=unit.path)

    def with_hours(self):
        records = ServiceRecord.objects.filter(activity__project=OuterRef("pk"))
        return self.annotate(total_hours=_sum_hours(records))

    def with_activity_counts(self):
        return self.annotate(n_activities=_count(Activity.objects.filter(project=OuterRef("pk"))))


class ServiceProject(models.Model):
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

    project = models.ForeignKey(
        ServiceProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="ratings"
    )
    stars = models.PositiveSmallIntegerField(_("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    reason = models.TextField(_("reason"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

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


class VolunteerTeamQuerySet(models.QuerySet):
    def with_hours(self):
        # A volunteer in two teams counts towards both: the team's total is its members' hours.
        records = ServiceRecord.objects.filter(volunteer__teams=OuterRef("pk"))
        return self.annotate(total_hours=_sum_hours(records))

    def ranked(self):
        """All teams by total hours, as one LEFT JOIN + GROUP BY (the ranking needs every total)."""
        total = Coalesce(Sum("members__service_records__hours"), ZERO_HOURS)
        return self.annotate(total_hours=total).order_by("-total_hours", "name", "pk")

    def with_member_counts(self):
        return self.annotate(n_members=_count(Volunteer.teams.through.objects.filter(volunteerteam=OuterRef("pk"))))


class VolunteerTeam(models.Model):
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

    objects = VolunteerTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="volunteer_team_unique_name_per_unit",
                violation_error_message=_("This unit already has a team with this name."),
            )
        ]

    def __str__(self):
        return self.name


class VolunteerQuerySet(models.QuerySet):
    def with_hours(self, start=None, end=None):
        """Annotate total_hours (and n_records), optionally for activities starting in [start, end]."""
        records = ServiceRecord.objects.filter(volunteer=OuterRef("pk")).in_period(start, end)
        return self.annotate(total_hours=_sum_hours(records), n_records=_count(records))

    def with_period_totals(self, start=None, end=None):
        """The same totals as one LEFT JOIN + GROUP BY: for exports of every volunteer in a scope,
        where one hash aggregate beats thousands of correlated subqueries."""
        period = Q(service_records__isnull=False)
        if start:
            period &= Q(service_records__activity__starts_at__date__gte=start)
        if end:
            period &= Q(service_records__activity__starts_at__date__lte=end)
        return self.annotate(
            total_hours=Coalesce(Sum("service_records__hours", filter=period), ZERO_HOURS),
            n_records=Count("service_records", filter=period),
        )


class Volunteer(models.Model):
    # Registered by a unit (for scoping); a person is one volunteer portal-wide, found by mobile.
    unit = models.ForeignKey(
        "grids.Unit", verbose_name=_("registering unit"), on_delete=models.PROTECT, related_name="volunteers"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=11, validators=[validate_mobile])
    teams = models.ManyToManyField(VolunteerTeam, verbose_name=_("teams"), blank=True, related_name="members")
    registered_on = models.DateField(_("registration date"), default=timezone.localdate)
    # Staff link a volunteer to the Party member they are (only a member within their scope).
    # The link stays if the member is later moved out of that scope: being a Party member is a
    # fact about the person, wherever the member is managed. SET_NULL if the member is deleted.
    member = models.ForeignKey(
        "grids.Member",
        verbose_name=_("Party member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteers",
    )

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"],
                name="volunteer_unique_mobile",
                violation_error_message=_("A volunteer with this mobile number is already registered."),
            ),
            # One person, one volunteer: a Party member is linked to at most one volunteer.
            models.UniqueConstraint(
                fields=["member"],
                name="volunteer_unique_member",
                violation_error_message=_("This Party member is already linked to another volunteer."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_mobile(self):
        return mask_mobile(self.mobile)


class ActivityQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now())

    def open_for_signup(self, now=None):
        return self.filter(signup_deadline__gte=now or timezone.now())

    def with_signup_counts(self):
        active = Signup.objects.filter(activity=OuterRef("pk"), cancelled_at__isnull=True)
        return self.annotate(n_signups=_count(active))


class Activity(models.Model):
    project = models.ForeignKey(
        ServiceProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=100)
    # "Center or address" (issue 5): at a service center, or at an address (a park, a canteen);
    # with both, the address says where in or near the center.
    # PROTECT: the place an activity was held is part of its service record, and SET_NULL could
    # leave an activity with neither (refused by activity_center_or_address). A center that
    # stops is suspended, not deleted.
    center = models.ForeignKey(
        "centers.Center",
        verbose_name=_("service center"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
    )
    address = models.CharField(
        _("address"),
        max_length=200,
        blank=True,
        help_text=_("Needed when the activity is not at a service center; with a center, where in it (e.g. the hall)."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])
    description = models.TextField(_("description"), blank=True)
    signup_deadline = models.DateTimeField(_("sign-up deadline"))

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="activity_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="activity_ends_after_start",
                violation_error_message=_("An activity ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(signup_deadline__lte=models.F("starts_at")),
                name="activity_deadline_before_start",
                violation_error_message=_("The sign-up deadline is at the latest when the activity starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="activity_capacity_positive",
                violation_error_message=_("An activity has at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(center__isnull=False) | ~Q(address=""),
                name="activity_center_or_address",
                violation_error_message=_("Choose a service center or enter an address."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("An activity ends after it starts.")})
        if self.starts_at and self.signup_deadline and self.signup_deadline > self.starts_at:
            raise ValidationError(
                {"signup_deadline": _("The sign-up deadline is at the latest when the activity starts.")}
            )
        if self.center_id is None and not (self.address or "").strip():
            raise ValidationError({"address": _("Choose a service center or enter an address.")})

    @property
    def center_public(self):
        return center_has_public_page(self.center)

    def places_left(self):
        taken = getattr(self, "n_signups", None)
        if taken is None:
            taken = self.signups.active().count()
        return max(self.capacity - taken, 0)

    def signup_open(self, now=None):
        return (now or timezone.now()) <= self.signup_deadline


class SignupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class Signup(models.Model):
    """A resident's sign-up from the public page: no account, a name and a mobile."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="signups")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    mobile = models.CharField(_("mobile"), max_length=11, validators=[validate_mobile])
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="signups"
    )
    # Only a hash of the cancellation token is stored: the link is shown once to the resident,
    # and a copy of the database (or an admin) cannot cancel on their behalf.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = SignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            # The database refuses a second live sign-up with the same mobile, even when two
            # requests race; after a cancellation the resident may sign up again.
            models.UniqueConstraint(
                fields=["activity", "mobile"],
                condition=Q(cancelled_at__isnull=True),
                name="signup_unique_mobile_per_activity",
                violation_error_message=_("This mobile number is already signed up for this activity."),
            )
        ]

    def __str__(self):
        return f"{self.name} · {self.activity}"

    @property
    def masked_mobile(self):
        return mask_mobile(self.mobile)


class ServiceRecordQuerySet(models.QuerySet):
    def in_period(self, start=None, end=None):
        """Records of activities starting on a day in [start, end] (Asia/Shanghai dates)."""
        qs = self
        if start:
            qs = qs.filter(activity__starts_at__date__gte=start)
        if end:
            qs = qs.filter(activity__starts_at__date__lte=end)
        return qs

    def total_hours(self):
        return self.aggregate(total=Coalesce(Sum("hours"), ZERO_HOURS))["total"]


class ServiceRecord(models.Model):
    """Attendance and hours of one volunteer at one activity, entered by staff afterwards."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="service_records"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="service_records"
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["activity", "volunteer"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                name="service_record_unique_volunteer_per_activity",
                violation_error_message=_("This volunteer already has hours for this activity."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24),
                name="service_record_hours_0_to_24",
                violation_error_message=_("Hours are more than 0 and at most 24."),
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} · {self.activity} · {self.hours}"


class Certificate(models.Model):
    """A volunteer-service certificate (志愿服务证明): a snapshot of hours over a period."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="certificates"
    )
    unit = models.ForeignKey(
        "grids.Unit", verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="certificates"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=2)
    # Printed on the certificate; a public page checks it. Random, so not guessable.
    code = models.CharField(_("verification code"), max_length=20, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="certificate_period_in_order",
                violation_error_message=_("The period ends on or after its first day."),
            )
        ]

    def __str__(self):
        return self.code
