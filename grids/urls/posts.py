"""Routes of reporting and service posts: staff pages under /staff/members/ beside the members'."""

from django.urls import path

from ..views import posts as views

staff_urlpatterns = [
    path("members/reporting/", views.reporting, name="member_reporting"),
    path("members/posts/", views.post_list, name="post_list"),
    path("members/posts/new/", views.post_create, name="post_create"),
    path("members/posts/<int:post_pk>/", views.post_detail, name="post_detail"),
    path("members/claims/<int:claim_pk>/release/", views.claim_release, name="claim_release"),
    path("members/<int:member_pk>/report/", views.member_report, name="member_report"),
    path("members/<int:member_pk>/claim/", views.member_claim, name="member_claim"),
]
