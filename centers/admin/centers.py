"""Admin of centers: one page per center with its hours, closures, rooms and photos inline."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from grids.admin.base import ScopedAdmin

from ..models import Center, Photo
from .common import ScopedInline
from .hours import ClosureInline, IntervalInline
from .rooms import RoomInline


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
    list_display = ["name", "kind", "status", "owner", "phone"]
    list_filter = ["kind", "status", "sub_kind"]
    search_fields = ["name", "address"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["services"]
    list_per_page = 50
    inlines = [IntervalInline, ClosureInline, RoomInline, PhotoInline]
