"""Routes of the audit trail: /staff/audit/ (管理员)."""

from django.urls import path

from ..views import audit as views

staff_urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
]
