"""Routes of staff accounts: staff pages under /staff/accounts/."""

from django.urls import path

from ..views import accounts as views

staff_urlpatterns = [
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/locked/", views.locked_account_list, name="account_locked_list"),
    path("accounts/<int:account_pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:account_pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:account_pk>/password/", views.account_password, name="account_password"),
    path("accounts/<int:account_pk>/deactivate/", views.account_deactivate, name="account_deactivate"),
    path("accounts/<int:account_pk>/reactivate/", views.account_reactivate, name="account_reactivate"),
    path("accounts/<int:account_pk>/unlock/", views.account_unlock, name="account_unlock"),
    path("accounts/<int:account_pk>/assignments/new/", views.assignment_add, name="assignment_add"),
    path(
        "accounts/<int:account_pk>/assignments/<int:assignment_pk>/remove/",
        views.assignment_remove,
        name="assignment_remove",
    ),
]
