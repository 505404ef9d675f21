"""Admin of activities, residents' sign-ups (added only on the public page) and service records."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grids.admin.base import ScopedAdmin

from ..models.activities import Activity, ServiceRecord, Signup
from ..models.service import VolunteerTeam
from .common import KeepLinkedForm, masked_mobile


class ActivityAdminForm(KeepLinkedForm):
    keep_linked = ("center",)


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    form = ActivityAdminForm
    list_display = ["title", "project", "center", "starts_at", "capacity", "signup_deadline"]
    list_select_related = ["project", "center"]
    search_fields = ["title"]
    autocomplete_fields = ["center"]
    date_hierarchy = "starts_at"


@admin.register(Signup)
class SignupAdmin(ScopedAdmin):
    list_display = ["name", masked_mobile, "activity", "created_at", "cancelled_at"]
    list_select_related = ["activity"]
    fields = ["activity", "name", "mobile_masked", "volunteer", "created_at", "cancelled_at"]
    readonly_fields = ["activity", "name", "mobile_masked", "volunteer", "created_at"]

    @admin.display(description=_("mobile"))
    def mobile_masked(self, obj):
        return obj.mobile_masked

    def has_add_permission(self, request):
        return False  # residents sign up on the public page, which issues the cancellation link


class ServiceRecordAdminForm(forms.ModelForm):
    """The admin saves service records directly, so it checks the attendance page's rule
    (Activity.check_hours): only once the activity has started, no more hours than it lasted
    without a reason."""

    def clean(self):
        data = super().clean()
        activity = data.get("activity", getattr(self.instance, "activity", None))
        if activity is not None and data.get("hours") is not None:
            try:
                activity.check_hours(data["hours"], data.get("extra_hours_reason", ""))
            except ValidationError as exc:
                field = "extra_hours_reason" if exc.code == "over_length" else "activity"
                self.add_error(field if field in self.fields else None, exc)
        return data


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ScopedAdmin):
    form = ServiceRecordAdminForm
    list_display = ["volunteer", "activity", "hours", "recorded_by", "recorded_at"]
    list_select_related = ["volunteer", "activity", "recorded_by"]
    readonly_fields = ["recorded_by", "recorded_at"]
    autocomplete_fields = ["volunteer"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
        # The teams' kept totals (the public ranking), of the volunteer before and after.
        VolunteerTeam.objects.of_volunteers(
            {obj.volunteer_id, form.initial.get("volunteer")} - {None}
        ).refresh_ranking()
