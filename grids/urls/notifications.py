"""Routes of a staff user's notifications, under /staff/notifications/."""

from django.urls import path

from ..views import notifications as views

staff_urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/count.json", views.notification_count, name="notification_count"),
]
