from django.urls import path

from . import views

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<int:unit_pk>/", views.unit_detail, name="unit_detail"),
    path("<int:unit_pk>/edit/", views.unit_edit, name="unit_edit"),
    path("<int:parent_pk>/new/", views.unit_create, name="unit_create"),
]
