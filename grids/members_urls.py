from django.urls import path

from . import members_views as views

urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("new/", views.member_create, name="member_create"),
    path("import/", views.member_import, name="member_import"),
    path("import/template/<int:unit_pk>/", views.member_import_template, name="member_import_template"),
    path("export/<int:unit_pk>/", views.member_export, name="member_export"),
    path("reporting/", views.reporting, name="member_reporting"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:post_pk>/", views.post_detail, name="post_detail"),
    path("claims/<int:claim_pk>/release/", views.claim_release, name="claim_release"),
    path("<int:member_pk>/", views.member_detail, name="member_detail"),
    path("<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path("<int:member_pk>/move/", views.member_move, name="member_move"),
    path("<int:member_pk>/report/", views.member_report, name="member_report"),
    path("<int:member_pk>/claim/", views.member_claim, name="member_claim"),
    path("<int:member_pk>/reveal/", views.member_reveal, name="member_reveal"),
]
