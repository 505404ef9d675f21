"""Admin of staff assignments, under the same rules as /staff/accounts/."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..models import Assignment
from ..scope import MANAGE, scope_for
from ..services import accounts as account_services
from ..services import audit as audit_services
from .base import ArchiveInsteadMixin, IdChecksMixin, ScopedAdmin

# Django stores the names of its standard permissions in English ("Can add member", from the
# untranslated verbose name) whatever the language: the pickers of the user and group admins
# name them from the model's verbose name and the action instead.
ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission):
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    opts = model._meta
    action = permission.codename.split("_", 1)[0]
    standard = action in ACTIONS and permission.codename == f"{action}_{opts.model_name}"
    name = ACTIONS[action] % {"model": opts.verbose_name} if standard else permission.name
    return f"{opts.app_config.verbose_name} | {opts.verbose_name} | {name}"


class PermissionLabelsMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


# Django's group admin and django-axes' logs (superusers only), with the same checks of ids
# and filter values as every admin of ours.
for model in [Group, AccessAttempt, AccessFailureLog, AccessLog]:
    model_admin = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (PermissionLabelsMixin, IdChecksMixin, model_admin), {}))


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


class _ResetPasswordForm(AdminPasswordChangeForm):
    # Django appends this warning as a bare English string (not in its catalogue): ours, translated.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )

    def save(self, commit=True):
        user = super().save(commit)
        account_services.require_password_change([user])  # set by someone else: changed at the next login
        return user


class PortalUserAdmin(PermissionLabelsMixin, ArchiveInsteadMixin, IdChecksMixin, UserAdmin):
    """Django's user admin (superusers only) under the sign-in rules of /staff/accounts/: a
    password set here is changed at the next login, and a deactivation ends the open sessions.
    An account with history (anything it recorded, the trail's entries, the admin's log) is not
    deleted but deactivated. Ids posted to it are checked like in every admin of the portal."""

    change_password_form = _ResetPasswordForm

    def history_of(self, obj):
        return audit_services.account_history(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            account_services.end_sessions(obj)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PortalUserAdmin)
