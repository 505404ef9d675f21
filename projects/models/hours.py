"""Kept hours served per service project and Shanghai month (issue 12): what the dashboards'
"projects with the most hours" ranking reads instead of a pass over every service record of the
period (1,000,000 at 10×). Its work is bounded by projects × months of the period, whatever the
number of records.

projects/services/hours.py keeps them: every save or delete of a service record, and a change
of an activity's start or project, recomputes the (project, month) keys it touches in the same
transaction, from the records themselves (a sum over one project's month, so a total cannot
drift from them); bulk writes that send no signal call `hours.refresh()`. Nothing personal is
stored here.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.models import ScopedQuerySet

from .service import ServiceProject

__all__ = ["ServiceHoursTotal"]


class ServiceHoursTotal(models.Model):
    scope_via = "project__unit"

    project = models.ForeignKey(ServiceProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+")
    # The first day of the Shanghai month the activities started in.
    month = models.DateField(_("month"))
    hours = models.DecimalField(_("hours"), max_digits=12, decimal_places=2, default=Decimal("0"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service hours total")
        verbose_name_plural = _("service hours totals")
        constraints = [
            # Month first: the dashboards read a range of months (the unique index serves it).
            models.UniqueConstraint(fields=["month", "project"], name="servicehourstotal_unique_key"),
            models.CheckConstraint(condition=Q(month__day=1), name="servicehourstotal_first_of_month"),
            # A key whose records are all gone loses its row: no zeros kept.
            models.CheckConstraint(condition=Q(hours__gt=0), name="servicehourstotal_hours_positive"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.project_id}: {self.hours}"
