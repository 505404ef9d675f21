"""Routes of the unit tree: staff pages under /staff/units/."""

from django.urls import path

from ..views import tree as views

staff_urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:unit_pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:parent_pk>/new/", views.unit_create, name="unit_create"),
]
