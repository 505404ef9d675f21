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

        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .dashboards import jobs  # noqa: F401  (registers the scheduled monthly reports)

        # Cached public pages depend on versions bumped by every write (portal/core/pagecache.py).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(_bump_public_cache, dispatch_uid=f"portal.pagecache.{id(signal)}")


def _bump_public_cache(sender, instance=None, **kwargs):
    from .core import pagecache

    pagecache.bump_for_model(type(instance) if instance is not None else sender)
    if kwargs.get("model") is not None:  # m2m_changed: the other side changed too
        pagecache.bump_for_model(kwargs["model"])


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site (units named by their path in autocompletes)."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"
