"""Figures of a unit's whole subtree kept by a job for the dashboards (issue 12): "a summary
recomputed by a job" (issue 15), so that a district's dashboard reads a row per child unit
instead of counting 100,000 members per view.

A kind of tally ("members") has one row per unit with records anywhere below it, holding the
sums of the unit and everything under it, and one stamp row (unit empty) saying as of which day
and from which versions of the tables it counts (portal/core/pagecache.py), and when it was
counted. A reader uses the rows when the stamp is the current one, or, for a kind that allows a
lag, when they were counted within it (saying so); it counts from the records otherwise
(grids/services/tallies.py)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnitTally(models.Model):
    """Not a record of the tree (no foreign key, no scope): numbers about a unit, read only by
    the dashboards for a unit the user's scope has already allowed."""

    kind = models.CharField(_("kind"), max_length=30)
    unit_pk = models.PositiveIntegerField(_("unit"), null=True, blank=True)  # None: the stamp row
    parent_pk = models.PositiveIntegerField(_("parent unit"), null=True, blank=True)
    as_of = models.DateField(_("as of"))
    stamp = models.CharField(_("versions counted"), max_length=1000, blank=True)
    values = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("kept tally")
        verbose_name_plural = _("kept tallies")
        indexes = [models.Index(fields=["kind", "parent_pk"], name="unittally_children")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "unit_pk"], name="unittally_one_per_kind_unit"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(unit_pk__isnull=True), name="unittally_one_stamp_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.unit_pk or '-'} {self.as_of}"
