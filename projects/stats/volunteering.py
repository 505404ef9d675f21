"""The "volunteering" section of /open/stats.json (service projects, teams, volunteers, activities,
hours): counts and database sums, never a person."""

from portal.core.queries import count_many

from ..models.activities import Activity, ServiceRecord
from ..models.service import ServiceProject, VolunteerTeam
from ..models.volunteers import Volunteer


def volunteering_section(unit=None, **params):
    figures = count_many(
        {
            "projects": ServiceProject.objects.within(unit),
            "teams": VolunteerTeam.objects.within(unit),
            "volunteers": Volunteer.objects.within(unit),
            "activities": Activity.objects.within(unit),
        },
        sums={"hours": (ServiceRecord.objects.within(unit), "hours")},
    )
    # A string, so JSON readers keep the exact decimal (money-style rule, DESIGN.md).
    return figures | {"hours": f"{figures['hours']:.2f}"}
