"""Routes of Party members: staff pages under /staff/members/."""

from django.urls import path

from ..views import members as views
from ..views import members_bulk

staff_urlpatterns = [
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/bulk/", members_bulk.member_bulk, name="member_bulk"),
    path("members/import/", views.member_import, name="member_import"),
    path("members/import/<int:job_pk>/confirm/", views.member_import_confirm, name="member_import_confirm"),
    path("members/import/template/<int:unit_pk>/", views.member_import_template, name="member_import_template"),
    path("members/export/<int:unit_pk>/", views.member_export, name="member_export"),
    path("members/<int:member_pk>/", views.member_detail, name="member_detail"),
    path("members/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:member_pk>/move/", views.member_move, name="member_move"),
    path("members/<int:member_pk>/leave/", views.member_leave, name="member_leave"),
    path("members/<int:member_pk>/reveal/", views.member_reveal, name="member_reveal"),
]
