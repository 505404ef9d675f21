"""1 km coverage (staff): the analysis runs as a background job per unit; the page shows the
latest finished one and starts a new one."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from grids.models import Job, JobStatus, Unit
from grids.scope import VIEW, scope_for
from grids.services.jobs import start_job
from portal.core import params

from ..services import coverage as services
from ..services.coverage_job import KIND
from .common import map_config

SHOWN = 500


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def coverage(request):
    """Per street and community: the share of building groups within 1 km of an operating center."""
    scope = scope_for(request.user)
    if not scope.can(VIEW):
        raise PermissionDenied(_("You have no part of the tree assigned."))
    roots = list(scope.roots(VIEW))
    data = request.POST if request.method == "POST" else request.GET
    chosen = params.pk(data, "unit", label=_("unit"))
    unit = scope.get_object_or_404(Unit.objects.all(), pk=chosen) if chosen else roots[0]
    if request.method == "POST":
        title = _("1 km coverage: %(unit)s") % {"unit": unit.name}
        job = start_job(KIND, user=request.user, unit=unit, title=title)
        return redirect("job_detail", job.pk)
    jobs = Job.objects.visible_to(request.user).filter(kind=KIND, unit=unit)
    latest = jobs.filter(status=JobStatus.DONE).first()
    pending = jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
    result = latest.result if latest else None
    # The page stays bounded however large the area: the table and the map show the first
    # SHOWN uncovered building groups (by path), the totals count them all.
    shown = result["uncovered"][:SHOWN] if result else []
    markers = [
        {
            "lat": row["lat"],
            "lng": row["lng"],
            "name": f"{row['community']} {row['unit']}",
            "url": "",
            "label": f"{row['distance_m']:.0f} m" if row["distance_m"] is not None else "",
            "uncovered": True,
        }
        for row in shown
    ]
    context = {
        "coverage": result,
        "shown": shown,
        "job": latest,
        "pending": pending,
        "unit": unit,
        "roots": roots,
        "radius_m": services.COVERAGE_RADIUS_M,
        "map": map_config(markers),
    }
    return render(request, "centers/coverage/staff_coverage.html", context)
