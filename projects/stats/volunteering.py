"""The "volunteering" section of /open/stats.json (service projects, teams, volunteers, activities,
hours): counts and database sums, never a person."""

from ..models.activities import Activity, ServiceRecord
from ..models.service import ServiceProject, VolunteerTeam
from ..models.volunteers import Volunteer


def volunteering_section(unit=None, **params):
    def under(queryset, via):
        return queryset.filter(**{f"{via}__path__startswith": unit.path}) if unit else queryset

    hours = under(ServiceRecord.objects.all(), "activity__project__unit").total_hours()
    return {
        "projects": under(ServiceProject.objects.all(), "unit").count(),
        "teams": under(VolunteerTeam.objects.all(), "unit").count(),
        "volunteers": under(Volunteer.objects.all(), "unit").count(),
        "activities": under(Activity.objects.all(), "project__unit").count(),
        # A string, so JSON readers keep the exact decimal (money-style rule, DESIGN.md).
        "hours": f"{hours:.2f}",
    }
