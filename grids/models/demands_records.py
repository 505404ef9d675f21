"""What hangs on a demand: its append-only log of transitions (who, when, note, from and to
which unit), its photos (the resident's and the reply's), and the people who helped with hours
(in-service members and volunteers: their 实事)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .demands import Demand, DemandStatus
from .members import Member
from .scoped import ScopedQuerySet
from .tree import Unit

__all__ = ["DemandAction", "DemandHelper", "DemandPhoto", "DemandTransition", "PhotoStage", "MAX_PHOTOS"]

MAX_PHOTOS = 3  # per stage: what the resident sends, what the reply shows


class DemandAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    ACCEPT = "accept", pgettext_lazy("demand step", "Accepted")
    REJECT = "reject", _("Not accepted")
    START = "start", _("Handling started")
    NOTE = "note", _("Note")
    TRANSFER = "transfer", _("Transferred")
    HAND_UP = "hand_up", _("Handed up")
    HANDLE = "handle", _("Handled")
    VISIT = "visit", _("Return visit")
    REOPEN = "reopen", _("Reopened")
    ESCALATE = "escalate", _("Escalated")
    SUPERVISE = "supervise", _("Supervision")
    CLOSE = "close", pgettext_lazy("demand step", "Closed")
    MERGE = "merge", _("Merged")
    ALSO = "also", _("Another resident has the same problem")


class DemandTransition(models.Model):
    """One step of a demand, never changed or deleted."""

    scope_via = "demand__unit"

    demand = models.ForeignKey(Demand, verbose_name=_("demand"), on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(_("action"), max_length=16, choices=DemandAction.choices)
    from_status = models.CharField(_("from status"), max_length=16, choices=DemandStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=DemandStatus.choices)
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("from unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("to unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    # Shown on the tracking page: the resident sees what concerns them, not staff-only notes.
    public = models.BooleanField(_("shown to the resident"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand step")
        verbose_name_plural = _("demand steps")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.demand.code} {self.get_action_display()}"


class PhotoStage(models.TextChoices):
    REPORTED = "reported", _("As reported")
    REPLY = "reply", _("After handling")


class DemandPhoto(models.Model):
    scope_via = "demand__unit"

    demand = models.ForeignKey(Demand, verbose_name=_("demand"), on_delete=models.PROTECT, related_name="photos")
    stage = models.CharField(_("stage"), max_length=10, choices=PhotoStage.choices, default=PhotoStage.REPORTED)
    image = models.ImageField(_("image"), upload_to="demands/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="demands/")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand photo")
        verbose_name_plural = _("demand photos")
        ordering = ["stage", "pk"]

    def __str__(self):
        return f"{self.demand.code} {self.get_stage_display()}"


class DemandHelperQuerySet(ScopedQuerySet):
    def member_hours(self, member, year):
        """The member's 实事 hours in `year` (Asia/Shanghai), one SUM."""
        total = self.filter(member=member, helped_on__year=year).aggregate(h=models.Sum("hours"))["h"]
        return total or Decimal("0")


class DemandHelper(models.Model):
    """Someone who helped handle a demand, with hours: an in-service member (their 实事 count
    toward the yearly service record) or a volunteer named by text (volunteers live in the
    projects app, above the tree)."""

    scope_via = "demand__unit"

    demand = models.ForeignKey(Demand, verbose_name=_("demand"), on_delete=models.PROTECT, related_name="helpers")
    member = models.ForeignKey(
        Member, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT, related_name="demand_help"
    )
    name = models.CharField(_("volunteer's name"), max_length=50, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    helped_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = DemandHelperQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand helper")
        verbose_name_plural = _("demand helpers")
        ordering = ["helped_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24),
                name="demand_helper_hours_range",
                violation_error_message=_("Hours are more than 0 and at most 24."),
            ),
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(name="")) | (Q(member__isnull=True) & ~Q(name="")),
                name="demand_helper_member_or_name",
                violation_error_message=_("Choose a member or type a volunteer's name, not both."),
            ),
        ]

    def __str__(self):
        return f"{self.member or self.name} {self.hours}"
