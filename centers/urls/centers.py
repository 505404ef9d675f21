"""Center routes: the public list and detail, and the staff list, detail, create, edit and photos."""

from django.urls import path

from ..views import centers as views

urlpatterns = [
    path("centers/", views.center_list, name="center_list"),
    path("centers/<int:center_pk>/", views.center_detail, name="center_detail"),
]

# Under staff/centers/ (so the permission matrix finds them).
staff_urlpatterns = [
    path("centers/", views.staff_center_list, name="staff_center_list"),
    path("centers/new/", views.center_create, name="staff_center_create"),
    path("centers/<int:center_pk>/", views.staff_center_detail, name="staff_center_detail"),
    path("centers/<int:center_pk>/edit/", views.center_edit, name="staff_center_edit"),
    path("centers/<int:center_pk>/photos/", views.center_photos, name="staff_center_photos"),
]
