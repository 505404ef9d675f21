"""Staff pages: every record goes through grids.scope (404 outside, 403 without the role)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.models import Level, Unit
from grids.scope import EDIT, VIEW, scope_for
from grids.services.tree import attach_full_names

from .. import services
from ..forms import CenterForm, ClosureFormSet, IntervalFormSet, PhotoForm, RoomFormSet
from ..models import Center, Kind
from .common import map_config, marker

PER_PAGE = 50


def get_center_for_user(request, center_pk, need=VIEW):
    """The one access helper for a staff center page."""
    return scope_for(request.user).get_object_or_404(
        Center.objects.select_related("owner"), via="owner", need=need, pk=center_pk
    )


def _scoped_centers(request):
    return scope_for(request.user).filter(Center.objects.all(), via="owner")


@require_safe
@login_required
def staff_center_list(request):
    scope = scope_for(request.user)
    if not scope.can(VIEW):
        raise PermissionDenied(_("You have no part of the tree assigned."))
    centers = _scoped_centers(request).select_related("owner").with_room_areas()
    query = request.GET.get("q", "").strip()[:50]
    if query:
        centers = centers.filter(name__icontains=query)
    kind = request.GET.get("kind", "")
    if kind in Kind.values:
        centers = centers.filter(kind=kind)
    page_raw = request.GET.get("page", "1")
    page_number = int(page_raw) if page_raw.isdigit() and 0 < int(page_raw) < 100_000 else 1
    start = (page_number - 1) * PER_PAGE
    rows = list(centers.order_by("owner__path", "name", "pk")[start : start + PER_PAGE + 1])
    context = {
        "centers": rows[:PER_PAGE],
        "has_next": len(rows) > PER_PAGE,
        "has_previous": page_number > 1,
        "page_number": page_number,
        "query": query,
        "kind": kind,
        "kinds": Kind.choices,
        "can_edit": scope.can(EDIT),
        "breaking_only": False,
    }
    return render(request, "centers/staff/center_list.html", context)


@require_safe
@login_required
def office_rule_list(request):
    """Centers in scope whose office space exceeds 10% of the function-room area (001)."""
    scope = scope_for(request.user)
    if not scope.can(VIEW):
        raise PermissionDenied(_("You have no part of the tree assigned."))
    centers = _scoped_centers(request).breaking_office_rule().select_related("owner").order_by("owner__path", "name")
    context = {"centers": list(centers[:500]), "breaking_only": True, "can_edit": scope.can(EDIT)}
    return render(request, "centers/staff/office_rule.html", context)


@require_safe
@login_required
def staff_center_detail(request, center_pk):
    center = get_center_for_user(request, center_pk)
    center = Center.objects.with_hours().prefetch_related("rooms", "photos", "services").get(pk=center.pk)
    attach_full_names([center.owner])
    office, total, share, ok = center.office_compliance()
    context = {
        "center": center,
        "week": center.week_table(),
        "office_area": office,
        "room_area": total,
        "office_share": share,
        "office_ok": ok,
        "can_edit": scope_for(request.user).allows(center.owner, EDIT),
        "map": map_config([marker(center)]),
    }
    return render(request, "centers/staff/center_detail.html", context)


@login_required
def center_create(request):
    scope = scope_for(request.user)
    if not scope.can(EDIT):
        raise PermissionDenied(_("Your role here does not allow this."))
    form = CenterForm(request.POST or None, owner_choices=scope.units(EDIT))
    if request.method == "POST" and form.is_valid():
        scope.check(form.cleaned_data["owner"], EDIT)
        center = form.save()
        messages.success(request, _("Created %(name)s. Now add its opening hours.") % {"name": center.name})
        return redirect("staff_center_edit", center_pk=center.pk)
    return render(request, "centers/staff/center_form.html", {"form": form, "map": map_config([], picker=True)})


@login_required
def center_edit(request, center_pk):
    """The center and its weekly hours (inline formset) in one form, saved together."""
    scope = scope_for(request.user)
    center = get_center_for_user(request, center_pk, need=EDIT)
    # The current owner stays a valid choice even when it lies above the user's scope.
    owners = scope.units(EDIT) | Unit.objects.filter(pk=center.owner_id)
    form = CenterForm(request.POST or None, instance=center, owner_choices=owners)
    formset = IntervalFormSet(request.POST or None, instance=center, prefix="hours")
    original_owner = center.owner_id
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        if form.instance.owner_id != original_owner:
            scope.check(form.cleaned_data["owner"], EDIT)
        with transaction.atomic():
            form.save()
            formset.save()
        messages.success(request, _("Saved %(name)s.") % {"name": center.name})
        return redirect("staff_center_detail", center_pk=center.pk)
    context = {
        "form": form,
        "formset": formset,
        "center": center,
        "map": map_config([marker(center)], picker=True),
    }
    return render(request, "centers/staff/center_form.html", context)


def _formset_page(request, center_pk, formset_class, prefix, title, template="centers/staff/formset.html"):
    center = get_center_for_user(request, center_pk, need=EDIT)
    formset = formset_class(request.POST or None, instance=center, prefix=prefix)
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("Saved %(name)s.") % {"name": center.name})
        return redirect("staff_center_detail", center_pk=center.pk)
    return render(request, template, {"center": center, "formset": formset, "title": title})


@login_required
def center_closures(request, center_pk):
    return _formset_page(request, center_pk, ClosureFormSet, "closures", _("Closure dates"))


@login_required
def center_rooms(request, center_pk):
    return _formset_page(request, center_pk, RoomFormSet, "rooms", _("Function rooms"))


@login_required
def center_photos(request, center_pk):
    center = get_center_for_user(request, center_pk, need=EDIT)
    form = PhotoForm()
    if request.method == "POST":
        delete_pk = request.POST.get("delete", "")
        if delete_pk.isdigit() and len(delete_pk) < 10:
            if services.remove_photo(center=center, photo_pk=int(delete_pk)):
                messages.success(request, _("Photo removed."))
            return redirect("staff_center_photos", center_pk=center.pk)
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_photo(
                    center=center, upload=form.cleaned_data["image"], caption=form.cleaned_data["caption"]
                )
            except ValidationError as exc:
                form.add_error("image", exc)
            else:
                messages.success(request, _("Photo added."))
                return redirect("staff_center_photos", center_pk=center.pk)
    context = {"center": center, "form": form, "photos": center.photos.all()}
    return render(request, "centers/staff/center_photos.html", context, status=400 if form.errors else 200)


@require_safe
@login_required
def coverage(request):
    """Per street and community: the share of building groups within 1 km of an operating center."""
    scope = scope_for(request.user)
    if not scope.can(VIEW):
        raise PermissionDenied(_("You have no part of the tree assigned."))
    buildings = scope.units(VIEW).filter(level=Level.BUILDING)
    result = services.coverage(buildings=buildings)
    markers = [
        {
            "lat": float(row["unit"].latitude),
            "lng": float(row["unit"].longitude),
            "name": f"{row['community'].name if row['community'] else ''} {row['unit'].name}",
            "url": "",
            "label": f"{row['distance_m']:.0f} m" if row["distance_m"] is not None else "",
            "uncovered": True,
        }
        for row in result.uncovered[:500]
    ]
    context = {"coverage": result, "radius_m": services.COVERAGE_RADIUS_M, "map": map_config(markers)}
    return render(request, "centers/staff/coverage.html", context)
