from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True  # this module also holds PortalAdminConfig
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import auth, checks  # noqa: F401  (checks registers the system checks)

        user_logged_in.connect(auth.stamp_session, dispatch_uid="portal.auth.stamp_session")

        from . import audit

        audit.connect()  # the audit trail: tracked models, axes' logs, downloads

        from .dashboards import jobs  # noqa: F401  (registers the scheduled monthly reports)

class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site (units named by their path in autocompletes)."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"
