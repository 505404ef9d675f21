"""Public routes (no login): mounted at the site root by portal/urls.py."""

from django.urls import path

from .views import public

urlpatterns = [
    path("centers/", public.center_list, name="center_list"),
    path("centers/nearby/", public.center_nearby, name="center_nearby"),
    path("centers/nearby.json", public.nearby_json, name="center_nearby_json"),
    path("centers/<int:center_pk>/", public.center_detail, name="center_detail"),
    path("open/centers.geojson", public.centers_geojson, name="centers_geojson"),
]
