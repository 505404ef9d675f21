"""Staff routes, mounted under staff/centers/ (so the permission matrix finds them)."""

from django.urls import path

from .views import staff

urlpatterns = [
    path("", staff.staff_center_list, name="staff_center_list"),
    path("new/", staff.center_create, name="staff_center_create"),
    path("office-rule/", staff.office_rule_list, name="staff_center_office_rule"),
    path("coverage/", staff.coverage, name="staff_center_coverage"),
    path("<int:center_pk>/", staff.staff_center_detail, name="staff_center_detail"),
    path("<int:center_pk>/edit/", staff.center_edit, name="staff_center_edit"),
    path("<int:center_pk>/closures/", staff.center_closures, name="staff_center_closures"),
    path("<int:center_pk>/rooms/", staff.center_rooms, name="staff_center_rooms"),
    path("<int:center_pk>/photos/", staff.center_photos, name="staff_center_photos"),
]
