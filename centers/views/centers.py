"""Center pages: the residents' list and detail (no login), and the staff list, detail,
create, edit (with the weekly hours) and photos, every record through grids.scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.models import Unit
from grids.scope import EDIT, VIEW, scope_for
from grids.services.tree import attach_full_names
from portal.core import pagecache, params

from ..forms.centers import CenterForm, PhotoForm
from ..forms.hours import IntervalFormSet
from ..models import Center, Kind, Photo, RoomBooking, Service
from ..services import centers as services
from ..services import hours
from ..services.bookings import center_calendar
from ..services.nearby import navigation_links
from .common import (
    annotate_state,
    get_center_for_user,
    map_config,
    marker,
    pick,
    scoped_centers,
    units_for_filters,
)

PER_PAGE = 20
STAFF_PER_PAGE = 50


@require_safe
@pagecache.public_page("centers", "grids", clock=True)
def center_list(request):
    streets, communities = units_for_filters()
    centers = Center.objects.public().select_related("owner").prefetch_related("services").with_hours()
    street = pick(streets, params.pk(request.GET, "street", label=_("street")))
    community = pick(communities, params.pk(request.GET, "community", label=_("community")))
    if community:
        centers = centers.under(community)
    elif street:
        centers = centers.under(street)
    kind = params.choice(request.GET, "kind", Kind.values, label=_("kind"))
    if kind:
        centers = centers.filter(kind=kind)
    service_id = params.pk(request.GET, "service", label=_("service"))
    if service_id:
        centers = centers.filter(services=service_id)
    open_now = params.flag(request.GET, "open", label=_("open now"))
    if open_now:
        centers = centers.open_at()
    query = params.text(request.GET, "q", label=_("search"))
    if query:
        centers = centers.filter(Q(name__icontains=query) | Q(address__icontains=query))
    # Pagination by slicing one row past the page: no COUNT(*) over a national-size table.
    page_number = params.page(request.GET)
    start = (page_number - 1) * PER_PAGE
    rows = list(centers.order_by("name", "pk")[start : start + PER_PAGE + 1])
    has_next = len(rows) > PER_PAGE
    rows = annotate_state(rows[:PER_PAGE])
    context = {
        "centers": rows,
        "page_number": page_number,
        "has_next": has_next,
        "has_previous": page_number > 1,
        "streets": streets,
        "communities": communities,
        "street": street,
        "community": community,
        "kinds": Kind.choices,
        "kind": kind,
        "all_services": Service.objects.all(),
        "service_id": service_id,
        "open_now": open_now,
        "query": query,
        "map": map_config([marker(c, reverse("center_detail", args=[c.pk])) for c in rows]),
    }
    return render(request, "centers/centers/list.html", context)


@require_safe
@pagecache.public_page("centers", "grids", clock=True)
def center_detail(request, center_pk):
    queryset = (
        Center.objects.public()
        .select_related("owner")
        .prefetch_related("services", "rooms", Prefetch("photos", queryset=Photo.objects.order_by("position", "pk")))
        .with_hours()
    )
    center = get_object_or_404(queryset, pk=center_pk)
    annotate_state([center])
    context = {
        "center": center,
        "week": center.week_table(),
        "navigation": navigation_links(center),
        "map": map_config([marker(center)]),
        "today": hours.local_now().date(),
    }
    return render(request, "centers/centers/detail.html", context)


@require_safe
@login_required
def staff_center_list(request):
    scope = scope_for(request.user)
    if not scope.can(VIEW):
        raise PermissionDenied(_("You have no part of the tree assigned."))
    centers = scoped_centers(request).select_related("owner").with_room_areas()
    query = params.text(request.GET, "q", label=_("search"))
    if query:
        centers = centers.filter(name__icontains=query)
    kind = params.choice(request.GET, "kind", Kind.values, label=_("kind"))
    if kind:
        centers = centers.filter(kind=kind)
    page_number = params.page(request.GET)
    start = (page_number - 1) * STAFF_PER_PAGE
    rows = list(centers.order_by("owner__path", "name", "pk")[start : start + STAFF_PER_PAGE + 1])
    context = {
        "centers": rows[:STAFF_PER_PAGE],
        "has_next": len(rows) > STAFF_PER_PAGE,
        "has_previous": page_number > 1,
        "page_number": page_number,
        "query": query,
        "kind": kind,
        "kinds": Kind.choices,
        "can_edit": scope.can(EDIT),
        "breaking_only": False,
    }
    return render(request, "centers/centers/staff_list.html", context)


@require_safe
@login_required
def staff_center_detail(request, center_pk):
    center = get_center_for_user(request, center_pk)
    center = Center.objects.with_hours().prefetch_related("rooms", "photos", "services").get(pk=center.pk)
    attach_full_names([center.owner])
    office, total, share, ok = center.office_compliance()
    scope = scope_for(request.user)
    bookings = list(center_calendar(RoomBooking.objects.visible_to(request.user), center, since=timezone.now())[:50])
    for booking in bookings:
        # The room's calendar is the center's; the meeting's page only for its organisation's staff.
        booking.meeting_visible = scope.allows(booking.meeting.unit)
    context = {
        "center": center,
        "week": center.week_table(),
        "office_area": office,
        "room_area": total,
        "office_share": share,
        "office_ok": ok,
        "can_edit": scope.allows(center.owner, EDIT),
        "bookings": bookings,
        "map": map_config([marker(center)]),
    }
    return render(request, "centers/centers/staff_detail.html", context)


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
    return render(request, "centers/centers/staff_form.html", {"form": form, "map": map_config([], picker=True)})


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
    return render(request, "centers/centers/staff_form.html", context)


@login_required
def center_photos(request, center_pk):
    center = get_center_for_user(request, center_pk, need=EDIT)
    form = PhotoForm()
    if request.method == "POST":
        delete_pk = params.pk(request.POST, "delete", label=_("photo"))
        if delete_pk:
            if services.remove_photo(center=center, photo_pk=delete_pk):
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
    return render(request, "centers/centers/staff_photos.html", context, status=400 if form.errors else 200)
