"""Admin of activities, residents' sign-ups (added only on the public page) and service records."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grids.admin.base import ScopedAdmin
from portal.core.personal import mask_mobile

from ..models.activities import Activity, ServiceRecord, Signup
from .common import KeepLinkedForm, masked_mobile


class ActivityAdminForm(KeepLinkedForm):
    keep_linked = ("center",)


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    form = ActivityAdminForm
    list_display = ["title", "project", "center", "starts_at", "capacity", "signup_deadline"]
    list_select_related = ["project", "center"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"


@admin.register(Signup)
class SignupAdmin(ScopedAdmin):
    list_display = ["name", masked_mobile, "activity", "created_at", "cancelled_at"]
    list_select_related = ["activity"]
    fields = ["activity", "name", "mobile_masked", "volunteer", "created_at", "cancelled_at"]
    readonly_fields = ["activity", "name", "mobile_masked", "volunteer", "created_at"]

    @admin.display(description=_("mobile"))
    def mobile_masked(self, obj):
        return mask_mobile(obj.mobile)

    def has_add_permission(self, request):
        return False  # residents sign up on the public page, which issues the cancellation link


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ScopedAdmin):
    list_display = ["volunteer", "activity", "hours", "recorded_by", "recorded_at"]
    list_select_related = ["volunteer", "activity", "recorded_by"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
