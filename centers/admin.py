from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from grids.admin.base import ScopedAdmin
from grids.scope import EDIT, VIEW, scope_for

from .models import Center, Closure, OpeningInterval, Photo, Room


class ScopedInline(admin.TabularInline):
    """Inline rows follow the parent center's scope rather than Django's model permissions."""

    extra = 0

    def _allowed(self, request, obj, need):
        scope = scope_for(request.user)
        return scope.allows(obj.owner, need) if obj is not None else scope.can(need)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj, VIEW)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj, EDIT)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj, EDIT)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj, EDIT)


class IntervalInline(ScopedInline):
    model = OpeningInterval


class ClosureInline(ScopedInline):
    model = Closure


class RoomInline(ScopedInline):
    model = Room


class PhotoInline(ScopedInline):
    """Photos are added on the staff page, where portal.core.images verifies and resizes them."""

    model = Photo
    fields = ["preview", "caption", "position"]
    readonly_fields = ["preview"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("photo"))
    def preview(self, obj):
        return format_html('<img src="{}" alt="" height="60">', obj.thumbnail.url) if obj.thumbnail else ""


@admin.register(Center)
class CenterAdmin(ScopedAdmin):
    scope_via = "owner"
    list_display = ["name", "kind", "status", "owner", "phone"]
    list_filter = ["kind", "status", "sub_kind"]
    search_fields = ["name", "address"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["services"]
    list_per_page = 50
    inlines = [IntervalInline, ClosureInline, RoomInline, PhotoInline]
