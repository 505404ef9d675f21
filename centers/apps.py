from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = _("Service centers")

    def ready(self):
        # The coverage job kind registers itself when its module is imported.
        from grids.services.meetings_sections import register_section

        from .services import coverage_job  # noqa: F401
        from .views.bookings import meeting_section

        # A meeting's page (grids) shows its room booking: grids cannot import this app.
        register_section(meeting_section)
