"""Opening-hours routes (staff): a center's closure dates."""

from django.urls import path

from ..views import hours as views

staff_urlpatterns = [
    path("centers/<int:center_pk>/closures/", views.center_closures, name="staff_center_closures"),
]
