"""Routes of volunteers and certificates: public under /volunteer/, staff under /staff/volunteer/."""

from django.urls import path

from ..views import volunteers as views

urlpatterns = [
    path("volunteer/certificates/verify/", views.verify, name="volunteer_verify"),
]

staff_urlpatterns = [
    path("volunteer/volunteers/", views.staff_volunteers, name="volunteer_staff_volunteers"),
    path("volunteer/volunteers/new/", views.staff_volunteer_new, name="volunteer_staff_volunteer_new"),
    path("volunteer/volunteers/<int:volunteer_pk>/", views.staff_volunteer, name="volunteer_staff_volunteer"),
    path(
        "volunteer/volunteers/<int:volunteer_pk>/edit/",
        views.staff_volunteer_edit,
        name="volunteer_staff_volunteer_edit",
    ),
    path(
        "volunteer/volunteers/<int:volunteer_pk>/certificate/",
        views.staff_certificate_new,
        name="volunteer_staff_certificate_new",
    ),
    path("volunteer/certificates/<int:certificate_pk>/", views.staff_certificate, name="volunteer_staff_certificate"),
    path("volunteer/hours/export/", views.staff_hours_export, name="volunteer_staff_hours_export"),
]
