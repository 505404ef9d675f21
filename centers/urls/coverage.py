"""Coverage route (staff): 1 km coverage of the building groups in scope."""

from django.urls import path

from ..views import coverage as views

staff_urlpatterns = [
    path("centers/coverage/", views.coverage, name="staff_center_coverage"),
]
