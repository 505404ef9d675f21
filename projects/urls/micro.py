"""Routes of 民生微实事: public under /micro-projects/, staff under /staff/micro/."""

from django.urls import path

from ..views import micro as views
from ..views import micro_staff as staff_views

urlpatterns = [
    path("micro-projects/", views.public_list, name="micro_list"),
    path("micro-projects/export.csv", views.public_csv, name="micro_csv"),
    path("micro-projects/export.xlsx", views.public_xlsx, name="micro_xlsx"),
    path("micro-projects/propose/", views.propose, name="micro_propose"),
    path("micro-projects/track/", views.track, name="micro_track"),
    path("micro-projects/track/<str:code>/", views.track_code, name="micro_track_code"),
    path("micro-projects/<int:pk>/", views.public_detail, name="micro_detail"),
]

staff_urlpatterns = [
    path("micro/", staff_views.staff_queue, name="micro_staff_queue"),
    path("micro/projects/", staff_views.staff_list, name="micro_staff_list"),
    path("micro/projects/new/", staff_views.staff_new, name="micro_staff_new"),
    path("micro/projects/<int:micro_pk>/", staff_views.staff_detail, name="micro_staff_detail"),
    path("micro/projects/<int:micro_pk>/transition/", staff_views.staff_transition, name="micro_staff_transition"),
    path("micro/funnel/", staff_views.staff_funnel, name="micro_staff_funnel"),
]
