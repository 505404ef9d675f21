"""Routes of the centers app, one module per topic.

`urlpatterns` (public, no login) is mounted at the site root and `staff_urlpatterns` under
"staff/" by portal/urls.py.
"""

from . import bookings, centers, coverage, hours, nearby, rooms

urlpatterns = [
    *centers.urlpatterns,
    *nearby.urlpatterns,
]

staff_urlpatterns = [
    *centers.staff_urlpatterns,
    *hours.staff_urlpatterns,
    *rooms.staff_urlpatterns,
    *coverage.staff_urlpatterns,
    *bookings.staff_urlpatterns,
]
