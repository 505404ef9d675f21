"""The queue's actions on the ticked demands (/staff/demands/bulk/): accept them, or assign or
transfer them to a unit (a confirmation page first, then all or nothing), in the shape of the
member list's actions (members_bulk.py).

Only demands the user can see may be ticked (another id is refused as an invalid choice and
nothing changes); an action needs EDIT on every one of them (403 otherwise).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..forms.demands_bulk import DemandBulkForm
from ..forms.demands_staff import AcceptForm, TransferForm
from ..models import Demand, Level
from ..scope import EDIT, VIEW, scope_for
from ..services import demands_bulk as bulk
from .bulk import confirm_then_run

BulkAction = bulk.BulkAction


def transfer_units(scope):
    return scope.units(EDIT).filter(level__in=(Level.STREET, Level.COMMUNITY, Level.GRID)).order_by("path")


def _details(action, scope, data):
    if action == BulkAction.ACCEPT:
        return AcceptForm(data)
    return TransferForm(data, units=transfer_units(scope))


def _run(action, demands, details, user):
    if action == BulkAction.ACCEPT:
        return bulk.accept(demands=demands, by=user)
    data = details.cleaned_data
    return bulk.transfer(demands=demands, to_unit=data["to_unit"], reason=data["reason"], by=user)


@login_required
def demand_bulk(request):
    scope = scope_for(request.user)
    if not scope.can(VIEW):
        raise PermissionDenied(_("You are not assigned to any unit."))
    form = DemandBulkForm(request.POST or None, demand_choices=Demand.objects.visible_to(request.user))
    if not form.is_valid():
        # A GET: what the page is for. A POST without a valid action or selection: why not.
        context = {"form": form, "demands": [], "details": None, "title": _("Act on the ticked demands")}
        return render(request, "grids/demands/bulk.html", context, status=400 if form.is_bound else 200)
    action = form.cleaned_data["action"]
    demands = list(form.cleaned_data["demands"].for_listing().order_by("response_due", "pk"))
    if not all(scope.allows(demand.unit, EDIT) for demand in demands):
        raise PermissionDenied(_("Your role here does not allow this."))
    label = BulkAction(action).label
    return confirm_then_run(
        request,
        form,
        demands,
        details=lambda data: _details(action, scope, data),
        run=lambda details: _run(action, demands, details, request.user),
        success=lambda done: (
            ngettext("%(action)s: %(n)d demand.", "%(action)s: %(n)d demands.", done) % {"action": label, "n": done}
        ),
        back="demand_queue",
        template="grids/demands/bulk.html",
        context={
            "demands": demands,
            "action": BulkAction(action),
            "title": _("%(action)s: %(n)d demands") % {"action": label, "n": len(demands)},
        },
    )
