"""Routes of 民生微实事: public ones under /micro-projects/, staff ones under /staff/micro/."""

from django.urls import path

from .views import micro as views

urlpatterns = [
    path("", views.public_list, name="micro_list"),
    path("export.csv", views.public_csv, name="micro_csv"),
    path("export.xlsx", views.public_xlsx, name="micro_xlsx"),
    path("propose/", views.propose, name="micro_propose"),
    path("track/", views.track, name="micro_track"),
    path("track/<str:code>/", views.track_code, name="micro_track_code"),
    path("<int:pk>/", views.public_detail, name="micro_detail"),
]

staff_urlpatterns = [
    path("", views.staff_queue, name="micro_staff_queue"),
    path("projects/", views.staff_list, name="micro_staff_list"),
    path("projects/new/", views.staff_new, name="micro_staff_new"),
    path("projects/<int:micro_pk>/", views.staff_detail, name="micro_staff_detail"),
    path("projects/<int:micro_pk>/transition/", views.staff_transition, name="micro_staff_transition"),
    path("projects/<int:micro_pk>/spending/", views.staff_spending, name="micro_staff_spending"),
    path("funds/", views.staff_funds, name="micro_staff_funds"),
    path("funds/new/", views.staff_fund_new, name="micro_staff_fund_new"),
    path("funnel/", views.staff_funnel, name="micro_staff_funnel"),
]
