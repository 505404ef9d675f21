"""The audit trail in the admin: read only, for 管理员 of the entries' units (superusers: all).
django-auditlog registers its own admin for the log model; it is replaced by a scoped one."""

from django.contrib import admin

from ..models import AuditEntry
from ..scope import MANAGE, scope_for, unit_of
from .base import ReadOnlyAdmin

if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "timestamp",
        "kind",
        "action",
        "content_type",
        "object_repr",
        "actor_name",
        "remote_addr",
        "unit_path",
    ]
    list_filter = ["kind", "action"]
    search_fields = ["object_repr", "actor_name", "object_pk"]
    list_select_related = ["content_type"]
    list_per_page = 50
    date_hierarchy = "timestamp"

    def get_queryset(self, request):
        return scope_for(request.user).filter(admin.ModelAdmin.get_queryset(self, request), MANAGE)

    def has_module_permission(self, request):
        return scope_for(request.user).can(MANAGE)

    def has_view_permission(self, request, obj=None):
        scope = scope_for(request.user)
        return scope.allows(unit_of(obj), MANAGE) if obj is not None else scope.can(MANAGE)
