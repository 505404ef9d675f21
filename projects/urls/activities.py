"""Routes of activities, sign-up and attendance: public under /volunteer/, staff under /staff/volunteer/."""

from django.urls import path

from ..views import activities as views

urlpatterns = [
    path("volunteer/activities/<int:activity_pk>/", views.activity_detail, name="volunteer_activity"),
    path("volunteer/cancel/<str:token>/", views.cancel, name="volunteer_cancel"),
    path("volunteer/mine/", views.my_signup, name="volunteer_mine"),
]

staff_urlpatterns = [
    path(
        "volunteer/projects/<int:project_pk>/activities/new/",
        views.staff_activity_new,
        name="volunteer_staff_activity_new",
    ),
    path("volunteer/activities/", views.staff_activities, name="volunteer_staff_activities"),
    path("volunteer/activities/<int:activity_pk>/", views.staff_activity, name="volunteer_staff_activity"),
    path(
        "volunteer/activities/<int:activity_pk>/edit/", views.staff_activity_edit, name="volunteer_staff_activity_edit"
    ),
    path(
        "volunteer/activities/<int:activity_pk>/attendance/",
        views.staff_attendance,
        name="volunteer_staff_attendance",
    ),
]
