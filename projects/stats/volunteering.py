"""The "volunteering" section of /open/stats.json (service projects, teams, volunteers, activities,
hours): counts and database sums, never a person."""

from ..models.activities import Activity, ServiceRecord
from ..models.service import ServiceProject, VolunteerTeam
from ..models.volunteers import Volunteer


def volunteering_section(unit=None, **params):
    hours = ServiceRecord.objects.within(unit).total_hours()
    return {
        "projects": ServiceProject.objects.within(unit).count(),
        "teams": VolunteerTeam.objects.within(unit).count(),
        "volunteers": Volunteer.objects.within(unit).count(),
        "activities": Activity.objects.within(unit).count(),
        # A string, so JSON readers keep the exact decimal (money-style rule, DESIGN.md).
        "hours": f"{hours:.2f}",
    }
