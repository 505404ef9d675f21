"""Volunteering routes: `urlpatterns` under /volunteer/ (public), `staff_urlpatterns` under /staff/volunteer/."""

from django.urls import path

from .views import volunteer as views

urlpatterns = [
    path("", views.index, name="volunteer_index"),
    path("projects/<int:project_pk>/", views.project_detail, name="volunteer_project"),
    path("activities/<int:activity_pk>/", views.activity_detail, name="volunteer_activity"),
    path("cancel/<str:token>/", views.cancel, name="volunteer_cancel"),
    path("teams/", views.team_ranking, name="volunteer_teams"),
    path("certificates/verify/", views.verify, name="volunteer_verify"),
]

staff_urlpatterns = [
    path("projects/", views.staff_projects, name="volunteer_staff_projects"),
    path("projects/new/", views.staff_project_new, name="volunteer_staff_project_new"),
    path("projects/<int:project_pk>/", views.staff_project, name="volunteer_staff_project"),
    path("projects/<int:project_pk>/edit/", views.staff_project_edit, name="volunteer_staff_project_edit"),
    path("projects/<int:project_pk>/rate/", views.staff_project_rate, name="volunteer_staff_project_rate"),
    path("projects/<int:project_pk>/activities/new/", views.staff_activity_new, name="volunteer_staff_activity_new"),
    path("teams/", views.staff_teams, name="volunteer_staff_teams"),
    path("teams/new/", views.staff_team_new, name="volunteer_staff_team_new"),
    path("teams/<int:team_pk>/edit/", views.staff_team_edit, name="volunteer_staff_team_edit"),
    path("volunteers/", views.staff_volunteers, name="volunteer_staff_volunteers"),
    path("volunteers/new/", views.staff_volunteer_new, name="volunteer_staff_volunteer_new"),
    path("volunteers/<int:volunteer_pk>/", views.staff_volunteer, name="volunteer_staff_volunteer"),
    path("volunteers/<int:volunteer_pk>/edit/", views.staff_volunteer_edit, name="volunteer_staff_volunteer_edit"),
    path(
        "volunteers/<int:volunteer_pk>/certificate/",
        views.staff_certificate_new,
        name="volunteer_staff_certificate_new",
    ),
    path("certificates/<int:certificate_pk>/", views.staff_certificate, name="volunteer_staff_certificate"),
    path("activities/", views.staff_activities, name="volunteer_staff_activities"),
    path("activities/<int:activity_pk>/", views.staff_activity, name="volunteer_staff_activity"),
    path("activities/<int:activity_pk>/edit/", views.staff_activity_edit, name="volunteer_staff_activity_edit"),
    path("activities/<int:activity_pk>/attendance/", views.staff_attendance, name="volunteer_staff_attendance"),
    path("hours/export/", views.staff_hours_export, name="volunteer_staff_hours_export"),
]
