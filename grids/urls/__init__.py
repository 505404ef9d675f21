"""Routes of the grids app. It has no public pages; its staff pages are mounted under "staff/"
by portal/urls.py, one url module per topic."""

from . import (
    accounts,
    audit,
    demands,
    dues,
    imports,
    jobs,
    meetings,
    members,
    notifications,
    posts,
    reports,
    transfers,
    tree,
)

urlpatterns = [*demands.urlpatterns]

staff_urlpatterns = [
    *tree.staff_urlpatterns,
    *members.staff_urlpatterns,
    *posts.staff_urlpatterns,
    *dues.staff_urlpatterns,
    *meetings.staff_urlpatterns,
    *transfers.staff_urlpatterns,
    *accounts.staff_urlpatterns,
    *audit.staff_urlpatterns,
    *jobs.staff_urlpatterns,
    *reports.staff_urlpatterns,
    *imports.staff_urlpatterns,
    *demands.staff_urlpatterns,
    *notifications.staff_urlpatterns,
]
