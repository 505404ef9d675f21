"""Admin of 党费: read only. Dues are set and payments recorded through the staff pages, whose
services apply the 2008 rules and keep payments uncorrected except by reversal entries."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.core.money import format_yuan

from ..models import DuesAssessment, DuesPayment
from .base import ReadOnlyAdmin


@admin.register(DuesAssessment)
class DuesAssessmentAdmin(ReadOnlyAdmin):
    # The pay base appears nowhere here: only the masked column exists for the admin at all.
    list_display = ["member", "year", "category", "monthly_yuan", "relief"]
    list_filter = ["year", "category", "relief"]
    search_fields = ["member__name"]
    list_select_related = ["member"]

    @admin.display(description=_("monthly dues"), ordering="monthly")
    def monthly_yuan(self, obj):
        return format_yuan(obj.monthly)


@admin.register(DuesPayment)
class DuesPaymentAdmin(ReadOnlyAdmin):
    list_display = ["member", "year", "first_month", "last_month", "amount_yuan", "method", "paid_on", "reverses"]
    list_filter = ["year", "method"]
    search_fields = ["member__name", "reference"]
    list_select_related = ["member", "reverses__member"]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_yuan(self, obj):
        return format_yuan(obj.amount)
