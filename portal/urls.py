from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

import centers.urls
import projects.urls
from grids import urls as grids_urls

from . import auth_views, media, open_data, pickers, views
from .dashboards import views as dashboard_views

admin.site.login_form = auth_views.AdminLoginForm
admin.site.site_header = _("Party-Masses Service Portal administration")
admin.site.site_title = _("Portal administration")
admin.site.index_title = _("Records in your part of the tree")

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/dashboard/<int:unit_pk>/", dashboard_views.dashboard, name="dashboard"),
    path("staff/dashboard/<int:unit_pk>/table/", dashboard_views.dashboard_table, name="dashboard_table"),
    path("staff/dashboard/<int:unit_pk>/report/", dashboard_views.dashboard_report, name="dashboard_report"),
    path("staff/dashboard/<int:unit_pk>/records/", dashboard_views.dashboard_records, name="dashboard_records"),
    path("staff/", include(grids_urls.staff_urlpatterns)),
    path("staff/", include(projects.urls.staff_urlpatterns)),
    path("staff/", include(centers.urls.staff_urlpatterns)),
    path("staff/", include(pickers.urlpatterns)),
    path("open/stats.json", views.open_stats, name="open_stats"),
    path("open/", open_data.open_data, name="open_data"),
    path("", include(centers.urls.urlpatterns)),
    path("", include(grids_urls.urlpatterns)),
    path("text-size/", views.text_size, name="text_size"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include(projects.urls.urlpatterns)),
]

if settings.DEBUG:
    # Development only; in production the proxy serves /media/ with the same headers (README).
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", media.media)]

handler500 = "portal.views.server_error"
