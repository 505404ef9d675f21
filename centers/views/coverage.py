"""1 km coverage (staff): building groups in scope and their distance to the nearest operating center."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.models import Level
from grids.scope import VIEW, scope_for

from ..services import coverage as services
from .common import map_config


@require_safe
@login_required
def coverage(request):
    """Per street and community: the share of building groups within 1 km of an operating center."""
    scope = scope_for(request.user)
    if not scope.can(VIEW):
        raise PermissionDenied(_("You have no part of the tree assigned."))
    buildings = scope.units(VIEW).filter(level=Level.BUILDING)
    result = services.coverage(buildings=buildings)
    markers = [
        {
            "lat": float(row["unit"].latitude),
            "lng": float(row["unit"].longitude),
            "name": f"{row['community'].name if row['community'] else ''} {row['unit'].name}",
            "url": "",
            "label": f"{row['distance_m']:.0f} m" if row["distance_m"] is not None else "",
            "uncovered": True,
        }
        for row in result.uncovered[:500]
    ]
    context = {"coverage": result, "radius_m": services.COVERAGE_RADIUS_M, "map": map_config(markers)}
    return render(request, "centers/coverage/staff_coverage.html", context)
