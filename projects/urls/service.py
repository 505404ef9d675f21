"""Routes of service projects and teams: public under /volunteer/, staff under /staff/volunteer/."""

from django.urls import path

from ..views import service as views

urlpatterns = [
    path("volunteer/", views.index, name="volunteer_index"),
    path("volunteer/projects/<int:project_pk>/", views.project_detail, name="volunteer_project"),
    path("volunteer/teams/", views.team_ranking, name="volunteer_teams"),
]

staff_urlpatterns = [
    path("volunteer/projects/", views.staff_projects, name="volunteer_staff_projects"),
    path("volunteer/projects/new/", views.staff_project_new, name="volunteer_staff_project_new"),
    path("volunteer/projects/<int:project_pk>/", views.staff_project, name="volunteer_staff_project"),
    path("volunteer/projects/<int:project_pk>/edit/", views.staff_project_edit, name="volunteer_staff_project_edit"),
    path("volunteer/projects/<int:project_pk>/rate/", views.staff_project_rate, name="volunteer_staff_project_rate"),
    path("volunteer/teams/", views.staff_teams, name="volunteer_staff_teams"),
    path("volunteer/teams/new/", views.staff_team_new, name="volunteer_staff_team_new"),
    path("volunteer/teams/<int:team_pk>/edit/", views.staff_team_edit, name="volunteer_staff_team_edit"),
]
