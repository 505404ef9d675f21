"""Admin of residents' demands: the categories of a district (names and time limits) edited
here; demands are read here and changed only through their lifecycle on the staff pages."""

from django.contrib import admin

from ..models import Demand, DemandCategory, DemandHoursRule
from .base import ScopedAdmin


@admin.register(DemandCategory)
class DemandCategoryAdmin(ScopedAdmin):
    list_display = ["name", "district", "response_hours", "handling_days", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    list_select_related = ["district"]


@admin.register(Demand)
class DemandAdmin(ScopedAdmin):
    list_display = ["code", "title", "category", "unit", "status", "submitted_at"]
    list_filter = ["status", "source"]
    search_fields = ["code", "title"]
    list_select_related = ["category", "unit"]
    # The lifecycle records every step: the admin only withholds one from the public board.
    fields = ["code", "title", "category", "community", "unit", "status", "reply", "withheld"]
    readonly_fields = ["code", "title", "category", "community", "unit", "status", "reply"]

    def has_add_permission(self, request):
        return False


@admin.register(DemandHoursRule)
class DemandHoursRuleAdmin(ScopedAdmin):
    list_display = ["district", "yearly_hours"]
    list_select_related = ["district"]
