"""Staff pages of the unit tree (/staff/units/...): list, detail, create, edit, all through grids.scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core import params

from ..forms.tree import UnitForm
from ..models import Level, Unit
from ..scope import EDIT, MANAGE, VIEW, scope_for
from ..services.tree import attach_full_names


@require_safe
@login_required
def unit_list(request):
    scope = scope_for(request.user)
    units = scope.units(VIEW)
    query = params.text(request.GET, "q", label=_("search"))
    if query:
        units = units.filter(name__icontains=query)
    level = params.choice(request.GET, "level", Level.values, label=_("level"))
    if level:
        units = units.filter(level=int(level))
    page = Paginator(units.order_by("path"), 50).get_page(params.page(request.GET))
    attach_full_names(page.object_list)
    context = {"page": page, "query": query, "level": level, "levels": Level.choices}
    return render(request, "grids/tree/list.html", context)


@require_safe
@login_required
def unit_detail(request, unit_pk):
    scope = scope_for(request.user)
    unit = scope.get_object_or_404(Unit.objects.all(), pk=unit_pk)
    attach_full_names([unit])
    children = unit.children.annotate(n_children=Count("children")).order_by("name")
    assignments = unit.assignments.select_related("user") if scope.allows(unit, MANAGE) else None
    context = {
        "unit": unit,
        "children": children,
        "child_level": Level(unit.level + 1).label if unit.level < Level.BUILDING else None,
        "assignments": assignments,
        "can_edit": scope.allows(unit, EDIT),
        "stats": _child_counts(unit),
    }
    return render(request, "grids/tree/detail.html", context)


def _child_counts(unit):
    counts = dict(Unit.objects.under(unit, include_self=False).values_list("level").annotate(n=Count("pk")).order_by())
    return [(Level(level).label, counts[level]) for level in Level.values if level in counts]


def _parent_choices(scope, level):
    return scope.units(EDIT).filter(level=level - 1).order_by("path")


@login_required
def unit_create(request, parent_pk):
    scope = scope_for(request.user)
    parent = scope.get_object_or_404(Unit.objects.all(), need=EDIT, pk=parent_pk)
    if parent.level == Level.BUILDING:
        messages.error(request, _("A building group is the lowest level: it has no units below it."))
        return redirect("unit_detail", unit_pk=parent.pk)
    level = parent.level + 1
    choices = _parent_choices(scope, level)
    form = UnitForm(request.POST or None, parent_choices=choices, level=level, initial={"parent": parent})
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["parent"], EDIT)
        unit = form.save()
        messages.success(request, _("Created %(name)s.") % {"name": unit.name})
        return redirect("unit_detail", unit_pk=unit.pk)
    return render(request, "grids/tree/form.html", {"form": form, "parent": parent, "level": Level(level).label})


@login_required
def unit_edit(request, unit_pk):
    scope = scope_for(request.user)
    unit = scope.get_object_or_404(Unit.objects.select_related("parent"), need=EDIT, pk=unit_pk)
    original_parent_id = unit.parent_id
    choices = None
    if unit.level > Level.DISTRICT:
        # The current parent stays a valid choice even when it lies above the user's scope.
        choices = _parent_choices(scope, unit.level) | Unit.objects.filter(pk=unit.parent_id)
    form = UnitForm(request.POST or None, instance=unit, parent_choices=choices, level=unit.level)
    if request.method == "POST" and form.is_valid():
        if unit.parent_id != original_parent_id:
            scope.check(unit.parent, EDIT)
        form.save()
        messages.success(request, _("Saved %(name)s.") % {"name": unit.name})
        return redirect("unit_detail", unit_pk=unit.pk)
    # The district, the root, has no parent field: it is edited in place, never moved.
    return render(request, "grids/tree/form.html", {"form": form, "unit": unit, "level": unit.get_level_display()})
