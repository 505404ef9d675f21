"""The "volunteering" section of /open/stats.json (service projects, teams, volunteers, activities,
hours): counts and sums, never a person. They are sums of the counts each unit keeps of its own
records (grids/services/unit_counts.py, recomputed in the transaction of every write): one query,
whatever the number of service records."""

from decimal import Decimal

from grids.services import unit_counts
from grids.services.unit_counts import Group

from ..models.activities import Activity, ServiceRecord
from ..models.service import ServiceProject, VolunteerTeam
from ..models.volunteers import Volunteer

MOVES_WITH_PROJECT = ("unit",)  # a project moved to another unit takes its activities and hours

unit_counts.register(Group("projects", ServiceProject.objects.all, "unit", follows={ServiceProject: ("pk", ("unit",))}))
unit_counts.register(Group("teams", VolunteerTeam.objects.all, "unit", follows={VolunteerTeam: ("pk", ("unit",))}))
unit_counts.register(Group("volunteers", Volunteer.objects.all, "unit", follows={Volunteer: ("pk", ("unit",))}))
unit_counts.register(
    Group(
        "activities",
        Activity.objects.all,
        "project__unit",
        follows={Activity: ("pk", ("project",)), ServiceProject: ("project", MOVES_WITH_PROJECT)},
    )
)
unit_counts.register(
    Group(
        "hours",
        ServiceRecord.objects.all,
        "activity__project__unit",
        follows={
            ServiceRecord: ("pk", ("activity", "hours")),
            Activity: ("activity", ("project",)),
            ServiceProject: ("activity__project", MOVES_WITH_PROJECT),
        },
        hours="hours",
    )
)
GROUPS = ("projects", "teams", "volunteers", "activities", "hours")


def volunteering_section(unit=None, **params):
    kept = unit_counts.figures(GROUPS, unit)
    figures = {name: kept[name].get("", 0) for name in GROUPS}
    # A string, so JSON readers keep the exact decimal (money-style rule, DESIGN.md).
    return figures | {"hours": f"{Decimal(figures['hours']).scaleb(-2):.2f}"}
