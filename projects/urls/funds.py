"""Staff routes of the money of 民生微实事 (fund lines, a project's spending), under /staff/micro/."""

from django.urls import path

from ..views import funds as views

staff_urlpatterns = [
    path("micro/projects/<int:micro_pk>/spending/", views.staff_spending, name="micro_staff_spending"),
    path("micro/expenditures/<int:expenditure_pk>/reverse/", views.staff_reverse, name="micro_staff_reverse"),
    path("micro/funds/", views.staff_funds, name="micro_staff_funds"),
    path("micro/funds/new/", views.staff_fund_new, name="micro_staff_fund_new"),
    path("micro/funds/<int:fund_pk>/", views.staff_fund_detail, name="micro_staff_fund"),
]
