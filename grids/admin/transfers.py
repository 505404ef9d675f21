"""Admin of 组织关系转接: a district's letter validity is edited here; transfers are read only
(issued, accepted and returned on the staff pages, whose services move the member once)."""

from django.contrib import admin

from ..models import Transfer, TransferRule
from .base import ReadOnlyAdmin, ScopedAdmin


@admin.register(TransferRule)
class TransferRuleAdmin(ScopedAdmin):
    list_display = ["district", "validity_months"]
    list_select_related = ["district"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["letter_number", "member", "direction", "state", "issued_on", "valid_until"]
    list_filter = ["direction", "state"]
    search_fields = ["letter_number", "member__name", "outside_org"]
    list_select_related = ["member"]
