"""The admin site: Django's, except that a unit found by an autocomplete is named by its path
("华富街道 / 梅岗社区 / 21栋"), as the staff pages' pickers name it; "21栋" alone is in every
community (issue 15). Installed as the default site by portal.apps.PortalAdminConfig."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils.translation import gettext_lazy as _

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


# The admin index groups models by app. The projects app holds two subjects staff tell apart,
# volunteering and 民生微实事 (one "项目" heading mixed them): the micro-projects' models, with
# their money, get a heading of their own. Two libraries name their apps in English only.
MICRO_PROJECT_MODULES = ("projects.models.micro", "projects.models.funds")
APP_NAMES = {"axes": _("Sign-in attempts"), "django_tasks_database": _("Background jobs")}


class PortalAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        app_list = []
        for app in super().get_app_list(request, app_label):
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
            if app["app_label"] != "projects":
                app_list.append(app)
                continue
            micro = [model for model in app["models"] if model["model"].__module__ in MICRO_PROJECT_MODULES]
            volunteering = [model for model in app["models"] if model not in micro]
            for name, models in ((_("Volunteering"), volunteering), (_("Micro-projects"), micro)):
                if models:
                    app_list.append(app | {"name": name, "models": models})
        return app_list

    def autocomplete_view(self, request):
        return PathAutocompleteJsonView.as_view(admin_site=self)(request)
