"""Admin of the volunteering models: scoped through ScopedAdmin, mobiles shown masked."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grids.admin.base import ScopedAdmin
from grids.scope import EDIT, scope_for
from portal.core.personal import mask_mobile, validate_mobile

from ..models.volunteer import (
    Activity,
    Certificate,
    ServiceProject,
    ServiceRecord,
    Signup,
    StarRating,
    Volunteer,
    VolunteerTeam,
)


@admin.display(description=_("mobile"))
def masked_mobile(obj):
    return mask_mobile(obj.mobile)


class KeepLinkedForm(forms.ModelForm):
    """ScopedAdmin offers only records the user may edit. A link made by a wider scope (a center
    of another street, a member since moved away) stays a choice, or saving would drop it."""

    keep_linked = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.keep_linked:
            field, current = self.fields.get(name), getattr(self.instance, f"{name}_id", None)
            if field is not None and current is not None:
                field.queryset = field.queryset | field.queryset.model._default_manager.filter(pk=current)


class ServiceProjectAdminForm(KeepLinkedForm):
    keep_linked = ("center",)


class ActivityAdminForm(KeepLinkedForm):
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
    scope_via = "unit"
    form = ServiceProjectAdminForm
    list_display = ["title", "unit", "center", "category", "status", "star_rating", "beneficiary_visits"]
    list_filter = ["category", "status", "star_rating"]
    search_fields = ["title"]
    list_select_related = ["unit", "center"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["star_rating", "cover"]
    # `center` is a plain select: ScopedAdmin.formfield_for_foreignkey limits it to the centers
    # the user may edit (CenterAdmin is scoped via "owner").
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
    scope_via = "project__unit"
    list_display = ["project", "stars", "rated_by", "rated_at"]
    list_select_related = ["project", "rated_by"]
    readonly_fields = ["project", "stars", "reason", "rated_by", "rated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # history is not rewritten


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(ScopedAdmin):
    scope_via = "unit"
    list_display = ["name", "unit", "speciality", "leader"]
    search_fields = ["name"]
    list_select_related = ["unit", "leader"]
    autocomplete_fields = ["unit"]


class VolunteerAdminForm(KeepLinkedForm):
    keep_linked = ("member",)
    # The stored mobile never reaches the browser: masked in the help text, empty keeps it.
    mobile = forms.CharField(label=_("mobile"), max_length=20, required=False)

    class Meta:
        model = Volunteer
        fields = ["unit", "name", "mobile", "teams", "registered_on", "member"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["mobile"] = ""
            self.fields["mobile"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
                "masked": mask_mobile(self.instance.mobile)
            }
        else:
            self.fields["mobile"].required = True

    def clean_mobile(self):
        value = self.cleaned_data.get("mobile", "")
        if not value and self.instance.pk:
            return self.instance.mobile
        return validate_mobile(value)


@admin.register(Volunteer)
class VolunteerAdmin(ScopedAdmin):
    scope_via = "unit"
    form = VolunteerAdminForm
    list_display = ["name", masked_mobile, "unit", "member", "registered_on"]
    search_fields = ["name"]
    list_select_related = ["unit", "member"]
    autocomplete_fields = ["unit"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "teams":
            kwargs["queryset"] = scope_for(request.user).filter(VolunteerTeam.objects.all(), "unit", EDIT)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    scope_via = "project__unit"
    form = ActivityAdminForm
    list_display = ["title", "project", "center", "starts_at", "capacity", "signup_deadline"]
    list_select_related = ["project", "center"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"


@admin.register(Signup)
class SignupAdmin(ScopedAdmin):
    scope_via = "activity__project__unit"
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
    scope_via = "activity__project__unit"
    list_display = ["volunteer", "activity", "hours", "recorded_by", "recorded_at"]
    list_select_related = ["volunteer", "activity", "recorded_by"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Certificate)
class CertificateAdmin(ScopedAdmin):
    scope_via = "unit"
    list_display = ["code", "volunteer", "unit", "period_start", "period_end", "hours", "issued_at"]
    list_select_related = ["volunteer", "unit"]
    search_fields = ["code"]
    readonly_fields = ["volunteer", "unit", "period_start", "period_end", "hours", "code", "issued_by", "issued_at"]

    def has_add_permission(self, request):
        return False  # issued on the staff page, with hours summed from the records

    def has_change_permission(self, request, obj=None):
        return False
