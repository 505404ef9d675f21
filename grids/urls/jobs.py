"""Routes of background jobs: staff pages under /staff/jobs/."""

from django.urls import path

from ..views import jobs as views

staff_urlpatterns = [
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:job_pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:job_pk>/result/", views.job_result, name="job_result"),
    path("jobs/<int:job_pk>/progress.json", views.job_progress, name="job_progress"),
]
