"""The 1 km coverage analysis as a background job: its result is kept on the job as JSON, which
the coverage page shows (the latest job per unit)."""

from django.utils.translation import gettext as _

from grids.models import Level
from grids.scope import VIEW, scope_for
from grids.services.jobs import register

from .coverage import coverage

KIND = "coverage"


def _area(area):
    return {"name": area.unit.name if area.unit else "", "buildings": area.buildings, "covered": area.covered}


@register(KIND, _("1 km coverage"), writes=False)  # its result is kept on the job
def run_coverage(job, ctx):
    buildings = scope_for(job.started_by).units(VIEW).filter(level=Level.BUILDING, path__startswith=job.unit.path)
    ctx.progress(0, buildings.count())
    result = coverage(buildings=buildings)
    uncovered = [
        {
            "unit": row["unit"].name,
            "community": row["community"].name if row["community"] else "",
            "center": row["center"].name if row["center"] else "",
            "distance_m": row["distance_m"],
            "lat": float(row["unit"].latitude),
            "lng": float(row["unit"].longitude),
        }
        for row in result.uncovered
    ]
    ctx.outcome = {
        "summary": {_("Building groups with a position"): len(result.rows), _("uncovered"): len(uncovered)},
        "result": {
            "rows": len(result.rows),
            "share": result.share,
            "uncovered": uncovered,
            "streets": [_area(area) for area in result.streets],
            "communities": [_area(area) for area in result.communities],
        },
    }
    ctx.progress(len(result.rows), len(result.rows))
