from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        # Exporters that run as jobs register themselves when their module is imported.
        from .services import (
            funnel,
            hours,
            micro_export_job,  # noqa: F401
            volunteers,  # noqa: F401  (registers the scheduled team ranking)
            volunteers_export_job,  # noqa: F401
        )
        from .stats import (
            dashboard_volunteering,  # noqa: F401  (registers the hours' tally of the dashboards)
            volunteering,  # noqa: F401  (registers the volunteering's kept counts)
        )

        funnel.connect()  # the funnel's kept totals follow every write of a project or its spending
        hours.connect()  # the hours per project and month follow every write of a record or an activity
