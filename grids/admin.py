from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .admin_base import ScopedAdmin
from .member_forms import MemberForm
from .models import (
    Assignment,
    Category,
    Level,
    Member,
    MemberMove,
    PersonalDataReveal,
    PostClaim,
    Report,
    ServicePost,
    Unit,
)
from .scope import MANAGE, scope_for
from .services import accounts as account_services
from .services.members import claim_post
from .tree import attach_full_names


class UnitChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Paths for the whole page in one query instead of one per row.
        self.result_list = attach_full_names(self.result_list)


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    scope_via = ""
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


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdmin):
    edit_need = MANAGE
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["user", "unit"]

    # The rules of /staff/accounts/ hold here too (grids.services.accounts): only accounts the
    # user manages (never a superuser, a peer or oneself), grants within the scope, no peer
    # 管理员, an account keeps one assignment; each change recorded as an AccountEvent.
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = account_services.manageable_accounts(scope_for(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _manages(self, request, obj):
        return account_services.manageable_accounts(scope_for(request.user)).filter(pk=obj.user_id).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self._manages(request, obj))

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and obj.user.assignments.count() < 2:
            return False  # deactivate the account instead (it would drop out of every scope)
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        message = account_services.grant_error(scope_for(request.user), obj.unit, obj.role)
        if message or not self._manages(request, obj):
            raise PermissionDenied(message or _("You may not change this account."))
        super().save_model(request, obj, form, change)
        account_services.record_admin_grant(by=request.user, assignment=obj)

    def delete_model(self, request, obj):
        account_services.record_admin_removal(by=request.user, assignment=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user", "unit"):
            if self.has_delete_permission(request, assignment):
                self.delete_model(request, assignment)


# --- Party members ---------------------------------------------------------------------
# ID-card and mobile numbers: masked in lists, write-only in forms (never rendered back).


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    form = MemberForm
    list_display = ["name", "gender", "id_card_masked", "mobile_masked", "category", "status", "unit"]
    list_filter = ["category", "status", "gender"]
    search_fields = ["name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    list_per_page = 50
    fields = MemberForm.Meta.fields


@admin.register(ServicePost)
class ServicePostAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "capacity"]
    list_filter = ["kind"]
    search_fields = ["name", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


class PostClaimAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        post = data.get("post")
        if post and not self.instance.pk and post.claims.count() >= post.capacity:
            raise forms.ValidationError(_("This post is full: all %(n)d places are taken.") % {"n": post.capacity})
        return data


@admin.register(PostClaim)
class PostClaimAdmin(ScopedAdmin):
    scope_via = "post__unit"
    form = PostClaimAdminForm
    list_display = ["member", "post", "claimed_on"]
    search_fields = ["member__name", "post__name"]
    list_select_related = ["member", "post"]
    autocomplete_fields = ["member", "post"]
    exclude = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        # The capacity is enforced under a row lock by the service, also here.
        if change:
            return super().save_model(request, obj, form, change)
        if not scope_for(request.user).allows(obj.post.unit, self.edit_need):
            raise PermissionDenied
        claim = claim_post(post=obj.post, member=obj.member, claimed_on=obj.claimed_on, by=request.user)
        obj.pk = claim.pk


class ReportAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if data.get("member") and data["member"].category != Category.IN_SERVICE:
            self.add_error("member", _("Only in-service members report to a building group."))
        if data.get("building") and data["building"].level != Level.BUILDING:
            self.add_error("building", _("Choose a building group."))
        return data


@admin.register(Report)
class ReportAdmin(ScopedAdmin):
    scope_via = "building"
    form = ReportAdminForm
    list_display = ["member", "building", "reported_on"]
    search_fields = ["member__name", "building__name"]
    list_select_related = ["member", "building"]
    autocomplete_fields = ["member", "building"]
    exclude = ["recorded_by"]


class ReadOnlyAdmin(ScopedAdmin):
    """Audit records: seen, never changed by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MemberMove)
class MemberMoveAdmin(ReadOnlyAdmin):
    scope_via = "member__unit"
    list_display = ["member", "from_unit", "to_unit", "moved_on", "moved_by"]
    search_fields = ["member__name"]
    list_select_related = ["member", "from_unit", "to_unit", "moved_by"]


@admin.register(PersonalDataReveal)
class PersonalDataRevealAdmin(ReadOnlyAdmin):
    scope_via = "member__unit"
    list_display = ["at", "user", "member", "kind"]
    list_filter = ["kind"]
    search_fields = ["member__name", "user__username"]
    list_select_related = ["user", "member"]

    # The audit trail is for administrators (管理员) of the members' units only.
    def get_queryset(self, request):
        return scope_for(request.user).filter(admin.ModelAdmin.get_queryset(self, request), self.scope_via, MANAGE)

    def has_module_permission(self, request):
        return scope_for(request.user).can(MANAGE)

    def has_view_permission(self, request, obj=None):
        scope = scope_for(request.user)
        return scope.allows(obj.member.unit, MANAGE) if obj is not None else scope.can(MANAGE)
