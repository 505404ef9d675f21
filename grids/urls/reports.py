"""Routes of kept reports: staff pages under /staff/reports/."""

from django.urls import path

from ..views import reports as views

staff_urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:report_pk>/download/", views.report_download, name="report_download"),
]
