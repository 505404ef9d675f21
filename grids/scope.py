"""The one scope helper: what a user may see and change.

A user's scope is the union of the subtrees of the units they are assigned to. Every staff
view, JSON endpoint, export and admin page asks this module, so the rule lives in one place.
Each scoped model declares its path to its owning Unit once, as `scope_via` on the model
(grids/models/scoped.py); the helper reads that declaration, so no view names a path:

    members = Member.objects.visible_to(request.user)                  # list pages, exports, JSON
    scope = scope_for(request.user)
    center = scope.get_object_or_404(Center.objects, need=EDIT, pk=pk)  # 404 outside, 403 without the role

`need` is VIEW, EDIT or MANAGE. A model without a declaration raises ImproperlyConfigured.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Role, Unit
from .models.scoped import EDIT, MANAGE, VIEW, scope_via

__all__ = ["EDIT", "MANAGE", "VIEW", "Scope", "scope_for", "unit_of"]

# Which roles grant which needs.
_RANK = {Role.VIEWER: 1, Role.STAFF: 2, Role.ADMIN: 3}
_NEED_RANK = {VIEW: 1, EDIT: 2, MANAGE: 3}


def _rank(need):
    try:
        return _NEED_RANK[need]
    except (KeyError, TypeError):
        # A lookup path passed where the need goes (the old `via` argument) must not pass quietly.
        raise ValueError(f"need must be VIEW, EDIT or MANAGE, not {need!r}") from None


def _path_lookup(model):
    via = scope_via(model)
    return f"{via}__path" if via else "path"


class Scope:
    def __init__(self, user):
        self.user = user
        self.everything = bool(user and user.is_active and user.is_superuser)
        self._grants = []  # (path, rank)
        if user and user.is_authenticated and user.is_active and not self.everything:
            rows = user.assignments.values_list("unit__path", "role")
            self._grants = [(path, _RANK[role]) for path, role in rows]

    def __bool__(self):
        return self.everything or bool(self._grants)

    def paths(self, need=VIEW):
        wanted = _rank(need)
        paths = sorted({path for path, rank in self._grants if rank >= wanted})
        # Drop paths inside another granted path: the OR stays short.
        kept = []
        for path in paths:
            if not any(path.startswith(k) for k in kept):
                kept.append(path)
        return kept

    def can(self, need=VIEW):
        """Whether the user holds `need` anywhere at all."""
        return self.everything or bool(self.paths(need))

    def q(self, model, need=VIEW):
        """The condition on `model` (through its scope_via) for records in scope with `need`."""
        lookup = _path_lookup(model)
        _rank(need)
        if self.everything:
            return Q()
        paths = self.paths(need)
        if not paths:
            return Q(pk__in=[])
        condition = Q()
        for path in paths:
            condition |= Q(**{f"{lookup}__startswith": path})
        return condition

    def filter(self, queryset, need=VIEW):
        """`queryset` (or a manager) narrowed to the records in scope with `need`."""
        condition = self.q(queryset.model, need)  # raises for a model without a declaration
        if self.everything:
            return queryset.all()
        return queryset.filter(condition)

    def units(self, need=VIEW):
        return self.filter(Unit.objects.all(), need)

    def roots(self, need=VIEW):
        """The top units of the user's scope (the district for a superuser)."""
        if self.everything:
            return list(Unit.objects.filter(parent__isnull=True))
        return list(Unit.objects.filter(path__in=self.paths(need)).order_by("path"))

    def allows(self, unit, need=VIEW):
        _rank(need)
        if self.everything:
            return True
        if unit is None:
            return False
        return any(unit.path.startswith(path) for path in self.paths(need))

    def check(self, unit, need=EDIT):
        """Raise PermissionDenied unless `unit` is in scope with `need`."""
        if not self.allows(unit, need):
            raise PermissionDenied(_("This is outside the part of the tree you manage."))

    def get_object_or_404(self, queryset, need=VIEW, **lookup):
        """404 for a record outside the scope, 403 for one inside it without the role."""
        _rank(need)
        if "via" in lookup:
            # The path is the model's scope_via now: a `via` here would be read as a field lookup.
            raise TypeError("get_object_or_404() takes no via: the model declares scope_via")
        scoped = self.filter(queryset, VIEW)
        try:
            obj = scoped.get(**lookup)
        except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404(_("No such record in your part of the tree.")) from exc
        if need != VIEW and not self.allows(unit_of(obj), need):
            raise PermissionDenied(_("Your role here does not allow this."))
        return obj


def unit_of(obj):
    """The Unit that owns obj, following its model's scope_via ("unit", "project__unit")."""
    for attr in filter(None, scope_via(type(obj)).split("__")):
        obj = getattr(obj, attr)
    return obj


def scope_for(user):
    """The user's scope, computed once per request (cached on the user object)."""
    scope = getattr(user, "_portal_scope", None)
    if scope is None:
        scope = Scope(user)
        if user is not None:
            user._portal_scope = scope
    return scope
