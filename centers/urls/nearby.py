"""Nearby routes (public): the nearby page, nearby.json and the GeoJSON feed of all centers."""

from django.urls import path

from ..views import nearby as views

urlpatterns = [
    path("centers/nearby/", views.center_nearby, name="center_nearby"),
    path("centers/nearby.json", views.nearby_json, name="center_nearby_json"),
    path("open/centers.geojson", views.centers_geojson, name="centers_geojson"),
]
