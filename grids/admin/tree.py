"""Admin of the unit tree."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _

from ..models import Unit
from ..services.tree import attach_full_names
from .base import ScopedAdmin


class UnitChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Paths for the whole page in one query instead of one per row.
        self.result_list = attach_full_names(self.result_list)


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["name", "level", "org_name", "code", "path_display"]
    list_filter = ["level", "org_kind"]
    search_fields = ["name", "org_name", "code"]
    autocomplete_fields = ["parent"]
    list_per_page = 50
    fields = ["level", "parent", "name", "org_name", "org_kind", "code", "latitude", "longitude"]

    def get_changelist(self, request, **kwargs):
        return UnitChangeList

    @admin.display(description=_("position in the tree"))
    def path_display(self, obj):
        return getattr(obj, "full_name_text", None) or obj.full_name()

    def get_readonly_fields(self, request, obj=None):
        # A unit's level is fixed once it exists: its children depend on it.
        return ["level"] if obj is not None else []

    def scope_unit(self, obj):
        # A new or moved unit is placed by its parent, which must be in scope (so only a
        # superuser creates a district). An edit that keeps the parent needs the unit itself.
        if obj.pk and Unit.objects.filter(pk=obj.pk, parent_id=obj.parent_id).exists():
            return obj
        return obj.parent
