"""Routes of 党费 (membership dues): staff pages under /staff/dues/ and a member's under /staff/members/."""

from django.urls import path

from ..views import dues as views

staff_urlpatterns = [
    path("dues/", views.dues_list, name="dues_list"),
    path("dues/statement/<int:unit_pk>/", views.dues_statement, name="dues_statement"),
    path("dues/payments/<int:payment_pk>/reverse/", views.dues_payment_reverse, name="dues_payment_reverse"),
    path("members/<int:member_pk>/dues/", views.member_dues, name="member_dues"),
    path("members/<int:member_pk>/dues/assess/", views.member_dues_assess, name="member_dues_assess"),
    path("members/<int:member_pk>/dues/pay/", views.member_dues_pay, name="member_dues_pay"),
]
