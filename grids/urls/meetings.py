"""Routes of organisational life (三会一课, 主题党日 ...): staff pages under /staff/meetings/."""

from django.urls import path

from ..views import meetings as views

staff_urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/compliance/", views.meeting_compliance, name="meeting_compliance"),
    path("meetings/<int:meeting_pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:meeting_pk>/attach/", views.meeting_attach, name="meeting_attach"),
    path("members/<int:member_pk>/meetings/", views.member_meetings, name="member_meetings"),
]
