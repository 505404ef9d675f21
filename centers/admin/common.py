"""The inline base shared by every topic's rows on the center admin page."""

from django.contrib import admin

from grids.scope import EDIT, VIEW, scope_for, unit_of


class ScopedInline(admin.TabularInline):
    """Inline rows follow the parent center's scope rather than Django's model permissions."""

    extra = 0
    max_num = 100

    def get_formset(self, request, obj=None, **kwargs):
        # Django believes a posted TOTAL_FORMS up to max_num + 1,000 rows: one request would
        # build and render a thousand forms. No more rows than a center can have.
        kwargs.setdefault("absolute_max", self.max_num)
        kwargs.setdefault("validate_max", True)
        return super().get_formset(request, obj, **kwargs)

    def _allowed(self, request, obj, need):
        scope = scope_for(request.user)
        return scope.allows(unit_of(obj), need) if obj is not None else scope.can(need)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj, VIEW)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request, obj, EDIT)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj, EDIT)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj, EDIT)
