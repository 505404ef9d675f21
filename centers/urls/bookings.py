"""Room-booking routes (staff): a meeting's room, under the meeting's address."""

from django.urls import path

from ..views import bookings as views

staff_urlpatterns = [
    path("meetings/<int:meeting_pk>/room/", views.meeting_room, name="meeting_room"),
    path("meetings/<int:meeting_pk>/room/cancel/", views.meeting_room_cancel, name="meeting_room_cancel"),
]
