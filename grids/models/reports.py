"""Reports kept for staff (issue 12): the monthly and yearly report workbook of a unit, written by
the scheduled job of portal/dashboards/jobs.py on the first of each month for the district and
every street. Kept here, on the tree, until job result files (issue 10) can hold them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoped import ScopedQuerySet
from .tree import Unit


class ReportKind(models.TextChoices):
    MONTH = "month", _("Monthly report")
    YEAR = "year", _("Yearly report")


class UnitReport(models.Model):
    scope_via = "unit"

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="kept_reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    title = models.CharField(_("title"), max_length=200)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    workbook = models.FileField(_("workbook"), upload_to="reports/")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("kept report")
        verbose_name_plural = _("kept reports")
        ordering = ["-start", "unit__path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "start"], name="unitreport_one_per_unit_kind_period"),
        ]

    def __str__(self):
        return self.title
