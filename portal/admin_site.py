"""The admin site: Django's, except that a unit found by an autocomplete is named by its path
("华富街道 / 梅岗社区 / 21栋"), as the staff pages' pickers name it; "21栋" alone is in every
community (issue 15). Installed as the default site by portal.apps.PortalAdminConfig."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

from grids.models import Unit
from grids.services.tree import unit_paths


class PathAutocompleteJsonView(AutocompleteJsonView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = [obj for obj in context["object_list"] if isinstance(obj, Unit)]
        self.paths = unit_paths(units) if units else {}  # one query for the page of results
        return context

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Unit) and obj.pk in self.paths:
            result["text"] = self.paths[obj.pk]
        return result


class PortalAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return PathAutocompleteJsonView.as_view(admin_site=self)(request)
