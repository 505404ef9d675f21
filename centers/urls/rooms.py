"""Function-room routes (staff): a center's rooms and the 10% office-rule list."""

from django.urls import path

from ..views import rooms as views

staff_urlpatterns = [
    path("centers/office-rule/", views.office_rule_list, name="staff_center_office_rule"),
    path("centers/<int:center_pk>/rooms/", views.center_rooms, name="staff_center_rooms"),
]
