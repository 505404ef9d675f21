"""Routes of residents' demands: public pages under /demands/, staff pages under /staff/demands/."""

from django.urls import path

from ..views import demands as public
from ..views import demands_actions as actions
from ..views import demands_bulk as bulk
from ..views import demands_hours as hours
from ..views import demands_rates as rates
from ..views import demands_staff as staff

urlpatterns = [
    path("demands/", public.board, name="demand_board"),
    path("demands/new/", public.new, name="demand_new"),
    path("demands/track/", public.track, name="demand_track"),
    path("demands/track/<str:code>/", public.track_code, name="demand_track_code"),
    path("demands/<int:demand_pk>/also/", public.also, name="demand_also"),
    path("open/demands.geojson", public.geojson, name="demand_geojson"),
]

staff_urlpatterns = [
    path("demands/", staff.queue, name="demand_queue"),
    path("demands/bulk/", bulk.demand_bulk, name="demand_bulk"),
    path("demands/<int:demand_pk>/", staff.detail, name="demand_staff_detail"),
    path("demands/<int:demand_pk>/act/", actions.act, name="demand_act"),
]

staff_urlpatterns += [
    path("demands/rates/", rates.rates_page, name="demand_rates"),
    path("demands/board/<int:unit_pk>/", rates.hanging_board, name="demand_hanging_board"),
    path("demands/hours/", hours.hours_below, name="demand_hours_below"),
]
