from django.urls import path

from . import accounts_views as views

urlpatterns = [
    path("", views.account_list, name="account_list"),
    path("new/", views.account_create, name="account_create"),
    path("<int:account_pk>/", views.account_detail, name="account_detail"),
    path("<int:account_pk>/edit/", views.account_edit, name="account_edit"),
    path("<int:account_pk>/password/", views.account_password, name="account_password"),
    path("<int:account_pk>/deactivate/", views.account_deactivate, name="account_deactivate"),
    path("<int:account_pk>/reactivate/", views.account_reactivate, name="account_reactivate"),
    path("<int:account_pk>/assignments/new/", views.assignment_add, name="assignment_add"),
    path("<int:account_pk>/assignments/<int:assignment_pk>/remove/", views.assignment_remove, name="assignment_remove"),
]
