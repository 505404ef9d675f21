"""The Django admin, scoped through the same helper as the staff pages.

Every ModelAdmin of the portal derives from ScopedAdmin: its change list, its foreign-key
choices, its change/delete URLs and its saves all go through grids.scope, which reads the
model's own `scope_via` declaration (an admin never names a path of its own). ReadOnlyAdmin is
the same for audit records, which are never changed by hand.
"""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core import params
from portal.core.forms import IdMultipleChoiceField

from ..models import Unit
from ..scope import EDIT, VIEW, scope_for, unit_of
from ..services.tree import one_label, unit_paths

# The change list's date hierarchy and list filters, read through portal.core.params before
# Django builds dates and lookups from them: a 20-digit year overflows datetime (a 500), and
# an id no integer column holds has nothing to match. Other bad values Django's change list
# handles itself (it reloads with ?e=1).
DATE_PARTS = {"__year": (1, 9999), "__month": (1, 12), "__day": (1, 31)}
ID_SUFFIXES = ("__id__exact", "__pk__exact", "__id", "__pk")


def check_filter_parameters(query):
    for key in query:
        for suffix, (low, high) in DATE_PARTS.items():
            if key.endswith(suffix):
                params.integer(query, key, minimum=low, maximum=high)
        if key.endswith(ID_SUFFIXES):
            params.pk(query, key)


def usable_ids(values, field):
    """The chosen ids an integer key can hold; the rest have no record to show."""
    remote = field.remote_field.model._meta
    key = remote.get_field(getattr(field.remote_field, "field_name", None) or remote.pk.name)
    if not isinstance(key, models.IntegerField):
        return values
    return [v for v in values if params.is_digits(str(v)) and len(str(v)) <= 12 and int(v) <= params.MAX_INT]


class IdAutocompleteSelect(AutocompleteSelect):
    """Django redisplays a refused choice by looking it up (`id__in`): "²" raises ValueError,
    a 20-digit id overflows SQLite. A value no key can hold is simply not shown."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, usable_ids(value, self.field), attr)


class IdAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, usable_ids(value, self.field), attr)


class IdChecksMixin:
    """Ids posted to an admin form are checked before Django queries with them. Used by every
    admin of the portal, Django's own user and group admins included (grids/admin/accounts.py)."""

    formfield_overrides = {models.ManyToManyField: {"form_class": IdMultipleChoiceField}}

    def changelist_view(self, request, extra_context=None):
        check_filter_parameters(request.GET)
        return super().changelist_view(request, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = IdAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = IdAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


ARCHIVE_INSTEAD = gettext_lazy(
    "History, money or service hours point at this record, so it cannot be deleted. "
    "Archive it instead: deactivate it, close it or set its status, and its history stays."
)


class ArchiveInsteadMixin:
    """The delete page and the bulk delete of the admin say why a record cannot go (PROTECT, or
    history of its own from `history_of`) and offer to archive it, instead of deleting or a 500."""

    def history_of(self, obj):
        """Further reasons `obj` must stay (strings), beyond the PROTECT foreign keys."""
        return []

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected) + [reason for obj in objs for reason in self.history_of(obj)]
        if protected:
            messages.error(request, ARCHIVE_INSTEAD)
        return to_delete, model_count, perms_needed, protected


class ScopedAdmin(ArchiveInsteadMixin, IdChecksMixin, admin.ModelAdmin):
    edit_need = EDIT  # role needed to add, change or delete

    def scope_unit(self, obj):
        """The unit that must be in scope for obj to be saved where it now points."""
        return unit_of(obj)

    def get_queryset(self, request):
        return scope_for(request.user).filter(super().get_queryset(request), VIEW)

    def get_object(self, request, object_id, from_field=None):
        # Outside the scope is "no such record": 404, not the admin's redirect with a message.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such record in your part of the tree."))
        return obj

    def has_module_permission(self, request):
        return scope_for(request.user).can(VIEW)

    def has_view_permission(self, request, obj=None):
        scope = scope_for(request.user)
        return scope.allows(unit_of(obj), VIEW) if obj is not None else scope.can(VIEW)

    def has_add_permission(self, request):
        return scope_for(request.user).can(self.edit_need)

    def has_change_permission(self, request, obj=None):
        scope = scope_for(request.user)
        if obj is None:
            return scope.can(self.edit_need)
        return scope.allows(unit_of(obj), self.edit_need)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        scope = scope_for(request.user)
        if related is Unit:
            kwargs["queryset"] = scope.units(self.edit_need)
        elif _is_scoped(related):
            kwargs["queryset"] = scope.filter(related._default_manager.all(), EDIT)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if related is Unit and field is not None and db_field.name in self.get_autocomplete_fields(request):
            # The chosen unit, the only option an autocomplete renders: "华富街道 / 梅岗社区 / 21栋".
            field.label_from_instance = one_label(unit_paths)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if _is_scoped(db_field.related_model):
            kwargs["queryset"] = scope_for(request.user).filter(db_field.related_model._default_manager.all(), EDIT)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # A record may only be placed where the user may edit; the change view already
        # guaranteed the original was in scope.
        if not scope_for(request.user).allows(self.scope_unit(obj), self.edit_need):
            raise PermissionDenied(_("This is outside the part of the tree you manage."))
        super().save_model(request, obj, form, change)

    def delete_queryset(self, request, queryset):
        queryset = scope_for(request.user).filter(queryset, self.edit_need)
        super().delete_queryset(request, queryset)


def _is_scoped(model):
    """Whether choices of `model` are narrowed to the scope: it declares its path to the tree."""
    return getattr(model, "scope_via", None) is not None


class ReadOnlyAdmin(ScopedAdmin):
    """Audit records: seen, never changed by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
