"""The three rates of residents' demands (响应率, 解决率, 满意率) and the median handling time,
per unit below a chosen one, or per category, for a period; with the Excel export of the same
table (?export=xlsx). And the 挂牌 board of a unit: its open items, nearest deadline first."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from portal.core import params
from portal.core.exports import rows_to_xlsx

from ..models import Demand, Level, Unit
from ..scope import VIEW, scope_for
from ..services import demands_rates as rates
from ..services import workdays
from ..services.tree import attach_full_names
from .members import default_root

BY = [("unit", gettext_lazy("By unit below")), ("category", gettext_lazy("By category"))]


def _table(request, root, by, start, end):
    demands = rates.in_period(Demand.objects.visible_to(request.user).under(root), start, end)
    if by == "category":
        groups = [(c.name, demands.filter(category=c)) for c in rates.categories_in(scope_for(request.user))]
    else:
        children = list(root.children.order_by("name")) if root.level < Level.BUILDING else []
        groups = [(child.name, demands.under(child)) for child in children]
    rows = [(name, rates.rates(qs)) for name, qs in groups]
    return rows, rates.rates(demands)


def _sheet(rows, total):
    yield [_("Group"), _("Demands"), _("Response rate (%)"), _("Solution rate (%)"), _("Satisfaction rate (%)"),
           _("Median handling time (hours)")]  # fmt: skip
    for name, r in [*rows, (_("Total"), total)]:
        yield [name, r.total, r.response_rate, r.solution_rate, r.satisfaction_rate, r.median_hours]


@require_safe
@login_required
def rates_page(request):
    scope = scope_for(request.user)
    if not scope:
        raise PermissionDenied(_("You are not assigned to any unit."))
    today = timezone.localdate()
    start = params.date(request.GET, "start", default=date(today.year, 1, 1), label=_("from"))
    end = params.date(request.GET, "end", default=today, label=_("to"))
    by = params.choice(request.GET, "by", [key for key, _label in BY], default="unit", label=_("group by"))
    ref = params.pk(request.GET, "unit", label=_("unit"))
    root = (scope.units(VIEW).filter(pk=ref).first() if ref else None) or default_root(scope)
    rows, total = _table(request, root, by, start, end)
    if params.choice(request.GET, "export", ["xlsx"], label=_("export")):
        return rows_to_xlsx("demand-rates.xlsx", _("Demand rates"), _sheet(rows, total))
    attach_full_names([root])
    context = {"rows": rows, "total": total, "root": root, "start": start, "end": end, "by": by, "choices": BY}
    return render(request, "grids/demands/rates.html", context)


@require_safe
@login_required
def hanging_board(request, unit_pk):
    """挂牌: the open items of a unit (a grid), nearest deadline first, struck off when handled."""
    scope = scope_for(request.user)
    unit = scope.get_object_or_404(Unit.objects, need=VIEW, pk=unit_pk)
    attach_full_names([unit])
    open_items = list(Demand.objects.visible_to(request.user).under(unit).open().for_listing()
                      .order_by("handling_due", "response_due", "pk"))  # fmt: skip
    now = timezone.now()
    for demand in open_items:
        demand.clock = rates.clock(demand, now)
    handled = (
        Demand.objects.visible_to(request.user)
        .under(unit)
        .filter(first_handled_at__date__gte=workdays.local_date(now).replace(day=1))
        .count()
    )
    return render(request, "grids/demands/hanging.html", {"unit": unit, "items": open_items, "handled": handled})
