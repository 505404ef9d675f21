from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = _("Service centers")

    def ready(self):
        # The coverage job kind registers itself when its module is imported.
        from .services import coverage_job  # noqa: F401
