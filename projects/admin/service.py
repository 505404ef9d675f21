"""Admin of service projects, their star ratings (history, read-only) and volunteer teams."""

from django.contrib import admin

from grids.admin.base import ScopedAdmin

from ..models.service import ServiceProject, StarRating, VolunteerTeam
from .common import KeepLinkedForm


class ServiceProjectAdminForm(KeepLinkedForm):
    keep_linked = ("center",)


class StarRatingInline(admin.TabularInline):
    model = StarRating
    extra = 0
    fields = ["stars", "reason", "rated_by", "rated_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # ratings go through the staff page, which keeps who and why


@admin.register(ServiceProject)
class ServiceProjectAdmin(ScopedAdmin):
    form = ServiceProjectAdminForm
    list_display = ["title", "unit", "center", "category", "status", "star_rating", "beneficiary_visits"]
    list_filter = ["category", "status", "star_rating"]
    search_fields = ["title"]
    list_select_related = ["unit", "center"]
    autocomplete_fields = ["unit", "center"]
    readonly_fields = ["star_rating", "cover"]
    # ScopedAdmin.formfield_for_foreignkey limits `center` to the centers the user may edit
    # (Center declares scope_via = "owner"); the autocomplete searches the scoped Center admin.
    fields = [
        "unit",
        "center",
        "title",
        "category",
        "status",
        "description",
        "beneficiary_visits",
        "star_rating",
        "cover",
    ]
    inlines = [StarRatingInline]


@admin.register(StarRating)
class StarRatingAdmin(ScopedAdmin):
    list_display = ["project", "stars", "rated_by", "rated_at"]
    list_select_related = ["project", "rated_by"]
    readonly_fields = ["project", "stars", "reason", "rated_by", "rated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # history is not rewritten


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(ScopedAdmin):
    list_display = ["name", "unit", "speciality", "leader"]
    search_fields = ["name"]
    list_select_related = ["unit", "leader"]
    autocomplete_fields = ["unit", "leader"]
