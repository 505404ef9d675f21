"""Every model that hangs on the tree says how, once, and the scope refuses a model that does not.

The walk follows forward foreign keys and one-to-ones (up to three hops) from every model of the
portal's apps; a model that reaches grids.Unit must declare `scope_via`, the declared path must
end at Unit, and its default manager must offer `visible_to`.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured

from grids.admin.base import ScopedAdmin
from grids.models import AccountEvent, Member, Unit, UnitCount
from grids.models.scoped import scope_target
from grids.scope import EDIT, VIEW, scope_for, unit_of

OUR_APPS = ("grids", "centers", "projects")
MAX_HOPS = 3

# Models that reach Unit by a foreign key but are deliberately not read through the scope.
NOT_SCOPED = {
    AccountEvent: "audit trail of staff accounts: read only through its account (get_account_for_user, "
    "which scopes by every assignment of the account); `unit` only names where a role was granted "
    "and is empty for most events",
    UnitCount: "derived counts of a unit's own records (grids/services/unit_counts.py), never listed: only "
    "summed over the subtree of a unit a public page or the user's scope has already chosen",
}


def _our_models():
    return [model for label in OUR_APPS for model in apps.get_app_config(label).get_models()]


def _path_to_unit(model, hops=MAX_HOPS):
    """A foreign-key path ("project__unit") from model to Unit within `hops`, or None."""
    if model is Unit:
        return ""
    frontier = [(model, "")]
    for _hop in range(hops):
        following = []
        for current, path in frontier:
            for field in current._meta.get_fields():
                if not (field.many_to_one or field.one_to_one) or not field.concrete:
                    continue
                step = f"{path}__{field.name}" if path else field.name
                if field.related_model is Unit:
                    return step
                following.append((field.related_model, step))
        frontier = following
    return None


MODELS = _our_models()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_a_model_that_reaches_the_tree_declares_its_path(model):
    reaches = _path_to_unit(model)
    declared = getattr(model, "scope_via", None)
    if model in NOT_SCOPED:
        assert reaches is not None, f"{model._meta.label} is listed in NOT_SCOPED but no longer reaches Unit"
        assert declared is None, f"{model._meta.label} is listed in NOT_SCOPED but declares scope_via"
        return
    if reaches is None:
        assert declared is None, f"{model._meta.label} declares scope_via but has no foreign-key path to Unit"
        return
    assert declared is not None, (
        f"{model._meta.label} reaches grids.Unit through {reaches!r} but declares no scope_via: "
        "declare its path on the model (grids/models/scoped.py) or list it in NOT_SCOPED with a reason"
    )
    assert scope_target(model) is Unit, f"{model._meta.label}.scope_via = {declared!r} does not end at grids.Unit"
    assert hasattr(model._default_manager, "visible_to"), (
        f"{model._meta.label}'s default manager has no visible_to: derive its queryset from ScopedQuerySet"
    )


def test_the_walk_finds_the_scoped_models():
    # A walk that found nothing would pass every model; pin a few it must see.
    found = {model._meta.label for model in MODELS if _path_to_unit(model) is not None}
    assert {"grids.Unit", "grids.PostClaim", "centers.Room", "projects.Signup", "projects.Expenditure"} <= found
    assert _path_to_unit(apps.get_model("centers", "Room")) == "center__owner"
    assert _path_to_unit(apps.get_model("centers", "Service")) is None


def test_a_declared_path_that_does_not_end_at_the_tree_is_refused():
    class Broken:
        scope_via = "project__title"
        _meta = apps.get_model("projects", "StarRating")._meta

    with pytest.raises(ImproperlyConfigured):
        scope_target(Broken)


@pytest.mark.parametrize(
    "model", [m for m, a in admin.site._registry.items() if isinstance(a, ScopedAdmin)], ids=lambda m: m._meta.label
)
def test_every_scoped_admin_reads_a_declaration(model):
    assert getattr(model, "scope_via", None) is not None, f"{model._meta.label} has a ScopedAdmin but no scope_via"
    assert not hasattr(admin.site._registry[model], "scope_via"), "the admin repeats a path: the model is the truth"


def test_the_scope_refuses_a_model_without_a_declaration(tree, people):
    scope = scope_for(people.huafu)
    with pytest.raises(ImproperlyConfigured, match="grids.AccountEvent declares no scope_via"):
        scope.filter(AccountEvent.objects.all())
    with pytest.raises(ImproperlyConfigured):
        scope.get_object_or_404(AccountEvent.objects.all(), pk=1)
    # Even for a superuser, who sees everything: the mistake must be loud for everyone.
    with pytest.raises(ImproperlyConfigured):
        scope_for(people.superuser).filter(AccountEvent.objects.all())


def test_an_old_style_path_argument_is_refused(tree, people):
    scope = scope_for(people.superuser)
    with pytest.raises(TypeError):
        scope.filter(Member.objects.all(), "unit", VIEW)
    with pytest.raises(ValueError):
        scope.filter(Member.objects.all(), "unit")
    with pytest.raises(ValueError):
        scope.get_object_or_404(Member.objects.all(), "unit", pk=1)
    with pytest.raises(TypeError, match="declares scope_via"):
        scope.get_object_or_404(Member.objects.all(), via="unit", pk=1)
    with pytest.raises(TypeError):
        scope.filter(Member.objects.all(), via="unit")
    with pytest.raises(TypeError, match="not a lookup path"):
        scope.q("unit")


def test_visible_to_reads_the_declaration(tree, people):
    from tests.factory_members import make_member

    inside = make_member(tree.grid1, "本街党员")
    outside = make_member(tree.grid2, "外街党员")
    assert list(Member.objects.visible_to(people.huafu)) == [inside]
    assert list(Member.objects.visible_to(people.viewer, EDIT)) == []
    assert set(Member.objects.visible_to(people.superuser)) == {inside, outside}
    assert list(Member.objects.within(tree.street2)) == [outside]
    assert unit_of(inside) == tree.grid1
