"""Residents' demands handled by the grid (诉求, 接诉即办): intake, routing, time limits in
working days, 督办 and 回访 (issue 11; Qinghe's "限时办结、归口办理……挂牌解决……督办回访",
shared/domain/003). The lifecycle lives in grids/services/demands.py; the log, photos and
helpers in demands_records.py.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.personal_fields import MOBILE, PersonalNumber
from portal.core.standard_names import display_name
from portal.core.stepper import stages

from .scoped import ScopedQuerySet
from .tree import Unit

__all__ = [
    "Demand",
    "DemandCategory",
    "DemandSource",
    "DemandStatus",
    "Satisfaction",
    "DEFAULT_CATEGORIES",
    "OPEN_DEMAND_STATUSES",
]


class DemandSource(models.TextChoices):
    ONLINE = "online", _("Resident online")
    PATROL = "patrol", _("Grid patrol")
    WALK_IN = "walk_in", _("Walk-in or phone at a center")
    HOTLINE = "hotline", _("Referral from 12345")


class DemandStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting acceptance")
    ACCEPTED = "accepted", pgettext_lazy("demand", "Accepted")
    REJECTED = "rejected", _("Not accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("demand", "In progress")
    HANDLED = "handled", _("Handled")
    CLOSED = "closed", pgettext_lazy("demand", "Closed")
    MERGED = "merged", _("Merged into another demand")


OPEN_DEMAND_STATUSES = (DemandStatus.PENDING, DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS)
# 受理 → 办理 → 办结 → 回访 (接诉即办), and what each stage means to the resident who follows it.
LIFECYCLE = (
    DemandStatus.PENDING,
    DemandStatus.ACCEPTED,
    DemandStatus.IN_PROGRESS,
    DemandStatus.HANDLED,
    DemandStatus.CLOSED,
)
STAGE_HELP = {
    DemandStatus.PENDING: _("The grid checks the demand and decides who handles it."),
    DemandStatus.ACCEPTED: _("Accepted, with a time limit for handling it."),
    DemandStatus.IN_PROGRESS: _("The responsible unit is handling it."),
    DemandStatus.HANDLED: _("Handled and answered: tell the grid whether you are satisfied."),
    DemandStatus.CLOSED: _("Closed after the return visit."),
    DemandStatus.REJECTED: _("Not accepted: the reason is given on this page."),
    DemandStatus.MERGED: _("Merged with the same problem reported by others."),
}
# Statuses in which the demand has been handled at least once (a reply exists).
DONE_STATUSES = (DemandStatus.HANDLED, DemandStatus.CLOSED)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY = "fairly", _("Fairly satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


# The starting list of every district, with the response limit in hours and the handling limit
# in working days (what 12345 centers use; each district changes them in the admin).
DEFAULT_CATEGORIES = [
    ("环境卫生", 24, 5),
    ("市政设施", 24, 10),
    ("物业管理", 24, 7),
    ("邻里纠纷", 24, 5),
    ("治安隐患", 4, 3),
    ("困难帮扶", 24, 5),
    ("政策咨询", 24, 3),
    ("其他", 24, 10),
]
# What English pages show for the default names (portal/core/standard_names.py).
STANDARD_CATEGORIES = {
    "环境卫生": _("Environment and sanitation"),
    "市政设施": _("Municipal facilities"),
    "物业管理": _("Property management"),
    "邻里纠纷": _("Neighbour disputes"),
    "治安隐患": _("Public safety hazards"),
    "困难帮扶": _("Help in hardship"),
    "政策咨询": _("Policy questions"),
    "其他": _("Other"),
}


class DemandCategory(models.Model):
    """A category of a district's list, with its two time limits."""

    scope_via = "district"

    district = models.ForeignKey(
        Unit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="demand_categories",
        limit_choices_to={"level": 1},
    )
    name = models.CharField(_("name"), max_length=30)
    response_hours = models.PositiveSmallIntegerField(
        _("response limit (hours)"), validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    handling_days = models.PositiveSmallIntegerField(
        _("handling limit (working days)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand category")
        verbose_name_plural = _("demand categories")
        ordering = ["district", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"],
                name="demand_category_unique_name",
                violation_error_message=_("This district already has a category with this name."),
            ),
            models.CheckConstraint(
                condition=Q(response_hours__gte=1, handling_days__gte=1),
                name="demand_category_limits_positive",
                violation_error_message=_("Time limits are at least one hour and one working day."),
            ),
        ]

    def __str__(self):
        return display_name(self.name, STANDARD_CATEGORIES)


class DemandQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_DEMAND_STATUSES)

    def under(self, unit):
        return self.filter(unit__path__startswith=unit.path) if unit else self

    def public(self):
        """The public board: handled demands the resident allowed to publish, not withheld."""
        return self.filter(
            status__in=DONE_STATUSES, publish=True, withheld=False, merged_into__isnull=True
        ).select_related("category", "community")

    def response_overdue(self, now=None):
        now = now or timezone.now()
        return self.filter(status=DemandStatus.PENDING, response_due__lt=now)

    def handling_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=(DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS), handling_due__lt=today)

    def for_listing(self):
        return self.select_related("category", "community", "unit", "owner")


class Demand(models.Model):
    """诉求: what a resident (or a patrol, a center, 12345) reports, and how it is handled."""

    # The unit handling it now: a grid after routing, the community without a location, the
    # street or district after a hand-up or escalation. Its staff see it, and those above.
    scope_via = "unit"

    code = models.CharField(_("tracking code"), max_length=12, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=16, choices=DemandSource.choices, default=DemandSource.ONLINE)
    category = models.ForeignKey(
        DemandCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="demands"
    )
    title = models.CharField(pgettext_lazy("demand", "title"), max_length=100)
    description = models.TextField(pgettext_lazy("demand", "description"), max_length=2000)
    latitude = models.DecimalField(_("latitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True)
    community = models.ForeignKey(
        Unit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="community_demands",
        limit_choices_to={"level": 3},
    )
    unit = models.ForeignKey(Unit, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="demands")
    # Personal data (PIPL): only staff in scope see it, masked; never public, never exported.
    anonymous = models.BooleanField(_("anonymous"), default=False)
    resident_name = models.CharField(_("resident's name"), max_length=50, blank=True)
    resident_mobile = PersonalNumber(MOBILE, _("resident's mobile"), blank=True)
    publish = models.BooleanField(_("may be shown on the public board"), default=True)
    withheld = models.BooleanField(_("withheld from the public board"), default=False)
    also_count = models.PositiveIntegerField(_("residents with the same problem"), default=0)

    status = models.CharField(_("status"), max_length=16, choices=DemandStatus.choices, default=DemandStatus.PENDING)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    response_due = models.DateTimeField(_("to be accepted by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    handling_due = models.DateField(_("to be handled by"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    # Set at the first 办结, against the deadline then in force (a reopening sets a new one): 解决率.
    first_handled_at = models.DateTimeField(_("first handled at"), null=True, blank=True)
    handled_in_time = models.BooleanField(_("handled within the limit"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_demands",
    )
    rejection_reason = models.TextField(_("reason for not accepting"), blank=True)
    reply = models.TextField(_("reply to the resident"), blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # 督办: raised to the parent unit when a limit passed, or on the second 不满意.
    supervised_at = models.DateTimeField(_("supervision raised at"), null=True, blank=True)
    supervising_unit = models.ForeignKey(
        Unit,
        verbose_name=_("supervising unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_demands",
    )
    # Reminders already sent, so the scheduled job notifies once per limit.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "response_due"], name="demand_status_response_due"),
            models.Index(fields=["status", "handling_due"], name="demand_status_handling_due"),
            models.Index(fields=["latitude", "longitude"], name="demand_lat_lng"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="demand_coordinates_both_or_none",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="demand_coordinates_in_range",
                violation_error_message=_("Coordinates are out of range."),
            ),
            # Anonymous means no follow-up: no name and no number are kept.
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(resident_name="", resident_mobile_hash=""),
                name="demand_anonymous_keeps_nothing",
                violation_error_message=_("An anonymous demand keeps no name or mobile."),
            ),
            models.CheckConstraint(
                condition=~Q(status=DemandStatus.REJECTED) | ~Q(rejection_reason=""),
                name="demand_rejection_has_reason",
                violation_error_message=_("Give the resident a reason for not accepting."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DONE_STATUSES) | ~Q(reply=""),
                name="demand_handled_has_reply",
                violation_error_message=_("A handled demand has a reply to the resident."),
            ),
            models.CheckConstraint(
                condition=~Q(status=DemandStatus.MERGED) | Q(merged_into__isnull=False),
                name="demand_merged_has_target",
                violation_error_message=_("A merged demand names the demand it was merged into."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_open(self):
        return self.status in OPEN_DEMAND_STATUSES

    @property
    def followed(self):
        """The demand whose outcome this one's followers see (itself unless merged)."""
        return self.merged_into if self.merged_into_id else self

    def lifecycle(self):
        """The stages of handling with this demand's marked (portal/core/stepper.py). Not accepted
        and merged end the path where they happen: at acceptance."""
        return stages(LIFECYCLE, DemandStatus(self.status), helps=STAGE_HELP, reached=DemandStatus.PENDING)
