"""Opening hours of a center: weekly intervals (错时服务) and closure dates.

The calendar logic (holidays, 调休, open now) lives in centers/services/hours.py.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from grids.models import ScopedQuerySet

from ..services import hours


class OpeningInterval(models.Model):
    """One opening interval on one weekday; several per day for staggered service (错时服务)."""

    scope_via = "center__owner"

    center = models.ForeignKey(
        "centers.Center", verbose_name=_("center"), on_delete=models.PROTECT, related_name="intervals"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=hours.WEEKDAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("opening interval")
        verbose_name_plural = _("opening intervals")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="interval_closes_after_opening",
                violation_error_message=_("The closing time must be later than the opening time."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="interval_weekday_range",
                violation_error_message=_("Weekday must be Monday to Sunday."),
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    scope_via = "center__owner"

    center = models.ForeignKey(
        "centers.Center", verbose_name=_("center"), on_delete=models.PROTECT, related_name="closures"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure date")
        verbose_name_plural = _("closure dates")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "date"],
                name="closure_unique_center_date",
                violation_error_message=_("This center already has a closure on this date."),
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.reason}"
