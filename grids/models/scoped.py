"""How a model says where it hangs on the tree, once.

Every model that reaches the unit tree declares `scope_via`, the lookup path from the model to
its owning Unit ("" for Unit itself, "unit", "project__unit", ...), and its manager derives
from ScopedQuerySet. Staff code then asks for records through the declaration:

    Member.objects.visible_to(request.user)            # VIEW
    ServiceProject.objects.visible_to(user, EDIT)

and grids.scope (Scope.filter, Scope.get_object_or_404, unit_of) reads the same declaration. A
model without one makes those raise ImproperlyConfigured: a forgotten declaration is loud, never
an unscoped list. tests/test_scope_declarations.py walks every model and fails for a model that
reaches Unit by foreign keys but declares nothing.
"""

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models

# What a user needs on a record's unit: to see it, to change it, to manage it (roles, budgets,
# full personal numbers). Defined here, below grids.scope, so models can name them too.
VIEW, EDIT, MANAGE = "view", "edit", "manage"


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user, need=VIEW):
        """The records whose unit lies in the user's scope with `need`."""
        # grids.scope imports the models (Unit, Role), so it cannot be imported at the top of
        # a models module without a cycle.
        from grids.scope import scope_for

        return scope_for(user).filter(self, need)

    def within(self, unit):
        """The records whose owning unit lies in `unit`'s subtree (all of them for None): public
        figures per unit, which need no user."""
        if unit is None:
            return self.all()
        via = scope_via(self.model)
        return self.filter(**{f"{via}__path__startswith" if via else "path__startswith": unit.path})


def scope_via(model):
    """The model's declared path to its Unit; ImproperlyConfigured if it declares none."""
    if isinstance(model, str):
        raise TypeError(f"pass the model, not a lookup path ({model!r}): the model declares scope_via")
    via = getattr(model, "scope_via", None)
    if via is None:
        raise ImproperlyConfigured(
            f"{model._meta.label} declares no scope_via: it cannot be read through the scope. "
            "Declare its lookup path to grids.Unit on the model (see grids/models/scoped.py)."
        )
    return via


def scope_target(model):
    """The model at the end of `scope_via`, resolved through _meta (for the declaration test)."""
    current = model
    for name in filter(None, scope_via(model).split("__")):
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise ImproperlyConfigured(f"{model._meta.label}.scope_via: {current._meta.label} has no {name!r}") from exc
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            raise ImproperlyConfigured(f"{model._meta.label}.scope_via: {name!r} is not a forward foreign key")
        current = field.related_model
    return current
