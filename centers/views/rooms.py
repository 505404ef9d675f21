"""Function-room pages (staff): a center's rooms, and the centers breaking the 10% office rule."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.scope import EDIT, VIEW, scope_for

from ..forms.rooms import RoomFormSet
from .common import formset_page, scoped_centers


@require_safe
@login_required
def office_rule_list(request):
    """Centers in scope whose office space exceeds 10% of the function-room area (001)."""
    scope = scope_for(request.user)
    if not scope.can(VIEW):
        raise PermissionDenied(_("You have no part of the tree assigned."))
    centers = scoped_centers(request).breaking_office_rule().select_related("owner").order_by("owner__path", "name")
    context = {"centers": list(centers[:500]), "breaking_only": True, "can_edit": scope.can(EDIT)}
    return render(request, "centers/rooms/staff_office_rule.html", context)


@login_required
def center_rooms(request, center_pk):
    return formset_page(request, center_pk, RoomFormSet, "rooms", _("Function rooms"))
