from importlib import import_module

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = _("Organisation tree")

    def ready(self):
        # Job kinds register themselves when their module is imported.
        from .services import (  # noqa: F401
            audit_export_job,
            bulk_import,
            demands_sweep,
            meetings_reminders,
            members_export_job,
            members_import_job,
            posts_io,
            reporting_io,
            transfers,
            units_io,
        )
        from .stats import (
            dashboard_members,  # noqa: F401  (registers the members' tally of the dashboards)
            members,  # noqa: F401  (registers the members' kept counts: services/unit_counts.py)
        )

        for module in settings.JOBS_EXTRA_MODULES:
            import_module(module)
