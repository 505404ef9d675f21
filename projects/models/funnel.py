"""Kept totals of 民生微实事 for the staff funnel (issue 15) and the dashboards' funnel of a year
(issue 12): per community, Shanghai year of proposal, status and category, how many projects, how many of them reached 立项, the money approved and
the money spent. The funnel page, its by-community view and its export read these rows, never
the projects: their work is bounded by communities × years × statuses of the scope, whatever
the number of projects. The category is in the key for the dashboards (projects and approved
money by category); the funnel page adds the categories up.

projects/services/funnel.py keeps them: every save or delete of a micro-project or an
expenditure recomputes the (community, year) keys it touches, in the same transaction, from
the records themselves (one small GROUP BY per write, so a total cannot drift from them);
bulk writes that send no signal call `funnel.refresh()`. Nothing personal is stored here.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.models import ScopedQuerySet, Unit
from portal.core.money import ZERO, money_field

from .micro import MicroCategory, MicroStatus

__all__ = ["MicroFunnelTotal"]


class MicroFunnelTotal(models.Model):
    scope_via = "community"

    community = models.ForeignKey(Unit, verbose_name=_("community"), on_delete=models.CASCADE, related_name="+")
    year = models.SmallIntegerField(_("year proposed"))
    status = models.CharField(_("status"), max_length=16, choices=MicroStatus.choices)
    category = models.CharField(_("category"), max_length=16, choices=MicroCategory.choices)
    projects = models.PositiveIntegerField(_("projects"), default=0)
    # Of those, the ones that reached 立项 (an approved amount was set), whatever came after.
    approved = models.PositiveIntegerField(_("approved projects"), default=0)
    approved_amount = money_field(_("approved amount (yuan)"), default=ZERO)
    spent = money_field(_("spent (yuan)"), default=ZERO)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("micro-project funnel total")
        verbose_name_plural = _("micro-project funnel totals")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year", "status", "category"], name="microfunneltotal_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(approved__lte=models.F("projects")), name="microfunneltotal_approved_le"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.community_id} {self.status} {self.category}: {self.projects}"
