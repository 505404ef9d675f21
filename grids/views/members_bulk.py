"""The member list's actions on the ticked members (/staff/members/bulk/): mark as left, move to
a unit, report to a building group (a confirmation page first, then all or nothing), and export
the ticked ones as the list's masked export does.

Only members the user can see may be ticked (another id is refused as an invalid choice and
nothing changes); a change needs EDIT on every one of them (403 otherwise).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..forms.members import LeaveForm, MoveForm
from ..forms.members_bulk import BulkForm
from ..forms.posts import ReportForm
from ..models import Level, Member
from ..scope import EDIT, VIEW, scope_for
from ..services import members_bulk as bulk
from .bulk import confirm_then_run
from .members import export_response, member_units

BulkAction = bulk.BulkAction


def _details(action, scope, data):
    """The form of what the action needs beyond the members: the same as on one member's page."""
    if action == BulkAction.LEAVE:
        return LeaveForm(data)
    if action == BulkAction.MOVE:
        return MoveForm(data, unit_choices=member_units(scope))
    buildings = scope.units(EDIT).filter(level=Level.BUILDING).order_by("path")
    return ReportForm(data, building_choices=buildings)


def _run(action, members, details, user):
    data = details.cleaned_data
    if action == BulkAction.LEAVE:
        return bulk.leave(members=members, reason=data["left_reason"], left_on=data["left_on"], by=user)
    if action == BulkAction.MOVE:
        return bulk.move(
            members=members,
            to_unit=data["to_unit"],
            to_outside_org=data["to_outside_org"],
            moved_on=data["moved_on"],
            note=data["note"],
            by=user,
        )
    return bulk.report(members=members, building=data["building"], reported_on=data["reported_on"], by=user)


@login_required
def member_bulk(request):
    scope = scope_for(request.user)
    if not scope.can(VIEW):
        raise PermissionDenied(_("You are not assigned to any unit."))
    form = BulkForm(request.POST or None, member_choices=Member.objects.visible_to(request.user))
    if not form.is_valid():
        # A GET: what the page is for. A POST without a valid action or selection: why not.
        context = {"form": form, "members": [], "details": None, "title": _("Act on the ticked members")}
        return render(request, "grids/members/bulk.html", context, status=400 if form.is_bound else 200)
    action = form.cleaned_data["action"]
    members = form.cleaned_data["members"].select_related("unit").order_by("unit__path", "name", "pk")
    if action == BulkAction.EXPORT:
        return export_response(request, members, "selected-")
    members = list(members)
    if not all(scope.allows(member.unit, EDIT) for member in members):
        raise PermissionDenied(_("Your role here does not allow this."))
    label = BulkAction(action).label
    return confirm_then_run(
        request,
        form,
        members,
        details=lambda data: _details(action, scope, data),
        run=lambda details: _run(action, members, details, request.user),
        success=lambda done: (
            ngettext("%(action)s: %(n)d member.", "%(action)s: %(n)d members.", done) % {"action": label, "n": done}
        ),
        back="member_list",
        template="grids/members/bulk.html",
        context={
            "members": members,
            "action": BulkAction(action),
            "title": _("%(action)s: %(n)d members") % {"action": label, "n": len(members)},
        },
    )
