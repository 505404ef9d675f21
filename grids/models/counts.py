"""Counts of the records each unit holds itself, kept in the transaction of every write (issue 15):
the public figures of /, /open/stats.json, the staff home and the dashboards sum a unit's subtree
from these rows instead of counting a million members after each write.

A group ("members", "hours", ...) has one row per unit holding counted records and per key (a
category, "2026:branch_committee", or "" when the group is not split). Hours are kept in
hundredths, so every figure is a whole number and sums exactly on SQLite too. The rows are derived
(grids/services/unit_counts.py recomputes a unit's rows from its records), never edited."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .tree import Unit


class UnitCount(models.Model):
    """Not a record of the tree (tests/test_scope_declarations.py NOT_SCOPED): never listed, only
    summed over the subtree of a unit a public page or the user's scope has already chosen."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    group = models.CharField(_("figure"), max_length=30)
    key = models.CharField(_("key"), max_length=60, blank=True)
    n = models.BigIntegerField(_("number"))

    class Meta:
        verbose_name = _("kept count")
        verbose_name_plural = _("kept counts")
        constraints = [models.UniqueConstraint(fields=["group", "unit", "key"], name="unitcount_one_per_key")]

    def __str__(self):
        return f"{self.group} {self.key} {self.unit_id}: {self.n}"
