"""Routes of the grids app. It has no public pages; its staff pages are mounted under "staff/"
by portal/urls.py, one url module per topic."""

from . import accounts, audit, demands, jobs, members, notifications, posts, tree

urlpatterns = [*demands.urlpatterns]

staff_urlpatterns = [
    *tree.staff_urlpatterns,
    *members.staff_urlpatterns,
    *posts.staff_urlpatterns,
    *accounts.staff_urlpatterns,
    *audit.staff_urlpatterns,
    *jobs.staff_urlpatterns,
    *demands.staff_urlpatterns,
    *notifications.staff_urlpatterns,
]
