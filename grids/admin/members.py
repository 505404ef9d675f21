"""Admin of Party members and their audit records (moves, personal-data reveals).

ID-card and mobile numbers: masked in lists, write-only in forms (never rendered back).
"""

import copy

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from portal.core.personal import ID_PATTERN, normalize_id_card

from ..forms.members import MemberForm
from ..models import Member, MemberMove, PersonalDataReveal, RefusedRegistration
from ..scope import MANAGE, scope_for, unit_of
from .base import ReadOnlyAdmin, ScopedAdmin


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    form = MemberForm
    list_display = ["name", "gender", "id_card_masked", "mobile_masked", "category", "status", "unit"]
    list_filter = ["category", "status", "gender", "left_reason"]
    search_fields = ["name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    list_per_page = 50
    # Leaving goes through the member's staff page (grids.services.members.leave): shown here only.
    fields = [*MemberForm.Meta.fields, "left_reason", "left_on"]
    readonly_fields = ["left_reason", "left_on"]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            # The picker of another record (a report, a claim) offers members on the books only.
            queryset = queryset.current()
        return queryset, may_have_duplicates

    def has_change_permission(self, request, obj=None):
        # A member who left is kept as they were: not edited back into an active member.
        if obj is not None and obj.has_left:
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and obj.has_left:
            # Shown read-only (has_change_permission): a plain form, none of MemberForm's fields.
            return super().get_form(request, obj, **{**kwargs, "form": forms.ModelForm})
        # The form refuses (and logs) an ID-card number held outside the user's scope.
        form = super().get_form(request, obj, **kwargs)
        form = type(form.__name__, (form,), {"user": request.user})
        if obj is not None and "unit" in form.base_fields:
            # A member's unit changes only by a move (grids.services.members.move_member), which
            # records it: shown here, not editable.
            form.base_fields = {**form.base_fields, "unit": copy.copy(form.base_fields["unit"])}
            form.base_fields["unit"].disabled = True
            form.base_fields["unit"].help_text = _("A member changes unit by a move on the member's staff page.")
        return form

    def has_delete_permission(self, request, obj=None):
        # Members are not deleted: they leave (transferred out, left the Party, died) with a status.
        return False


@admin.register(MemberMove)
class MemberMoveAdmin(ReadOnlyAdmin):
    list_display = ["member", "from_unit", "to_unit", "moved_on", "moved_by"]
    search_fields = ["member__name"]
    list_select_related = ["member", "from_unit", "to_unit", "moved_by"]


@admin.register(PersonalDataReveal)
class PersonalDataRevealAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "member", "kind"]
    list_filter = ["kind"]
    search_fields = ["member__name", "user__username"]
    list_select_related = ["user", "member"]

    # The audit trail is for administrators (管理员) of the members' units only.
    def get_queryset(self, request):
        return scope_for(request.user).filter(admin.ModelAdmin.get_queryset(self, request), MANAGE)

    def has_module_permission(self, request):
        return scope_for(request.user).can(MANAGE)

    def has_view_permission(self, request, obj=None):
        scope = scope_for(request.user)
        return scope.allows(unit_of(obj), MANAGE) if obj is not None else scope.can(MANAGE)


@admin.register(RefusedRegistration)
class RefusedRegistrationAdmin(PersonalDataRevealAdmin):
    """ID-card numbers held elsewhere that someone tried to register, for the 管理员 of the unit
    they tried (and superusers): masked number and its fingerprint, never the member it matched."""

    list_display = ["at", "user", "kind", "unit", "id_card_masked"]
    list_filter = ["kind"]
    search_fields = ["user__username"]
    list_select_related = ["user", "unit"]
    fields = ["at", "user", "kind", "unit", "id_card_masked", "id_card_hash"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        scope = scope_for(request.user)
        return scope.allows(obj.unit, MANAGE) if obj is not None else scope.can(MANAGE)

    def get_search_results(self, request, queryset, search_term):
        # "Who tried this number?": a full ID-card number is searched by its fingerprint.
        number = normalize_id_card(search_term)
        if ID_PATTERN.match(number):
            return queryset.filter(RefusedRegistration.id_card.q(number)), False
        return super().get_search_results(request, queryset, search_term)
