"""Routes of 组织关系转接: staff pages under /staff/transfers/ and a member's letter out."""

from django.urls import path

from ..views import transfers as views

staff_urlpatterns = [
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/in/", views.transfer_in, name="transfer_in"),
    path("transfers/<int:transfer_pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:transfer_pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:transfer_pk>/return/", views.transfer_return, name="transfer_return"),
    path("members/<int:member_pk>/transfer/", views.transfer_issue, name="transfer_issue"),
]
