"""Routes of the projects app, one module per topic, each with the full path below its mount
point: `urlpatterns` (public, mounted at the site root by portal/urls.py: /volunteer/...,
/micro-projects/...) and `staff_urlpatterns` (mounted under /staff/: /staff/volunteer/...,
/staff/micro/...)."""

from . import activities, funds, micro, service, volunteers

urlpatterns = [
    *service.urlpatterns,
    *volunteers.urlpatterns,
    *activities.urlpatterns,
    *micro.urlpatterns,
]

staff_urlpatterns = [
    *service.staff_urlpatterns,
    *volunteers.staff_urlpatterns,
    *activities.staff_urlpatterns,
    *micro.staff_urlpatterns,
    *funds.staff_urlpatterns,
]
