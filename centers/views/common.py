"""Helpers shared by the views of several topics: the map, the staff access helper, the
open-now state, the street/community filters and the page of a center's inline rows."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grids.models import Level, Unit
from grids.scope import EDIT, VIEW, scope_for
from portal.core.maps import map_config  # noqa: F401  (re-exported for the views of this app)

from ..models import Center
from ..services import hours


def marker(center, url=None, label=None):
    return {
        "lat": center.latitude,
        "lng": center.longitude,
        "name": center.name,
        "url": url or "",
        "label": label or "",
    }


def annotate_state(centers, moment=None):
    """Set open_now / rests_today_now / next_opening_text on each center (prefetched hours: no queries)."""
    for center in centers:
        open_now, current, opening = center.state(moment)
        center.open_now = open_now
        center.current_interval = current
        center.next_opening_text = hours.describe_opening(opening, moment)
        center.rests_today_now = not open_now and center.rests_today(moment)
    return centers


def units_for_filters():
    """Streets and communities for the filter menus, in one query."""
    units = list(Unit.objects.filter(level__in=[Level.STREET, Level.COMMUNITY]).only("pk", "name", "level", "path"))
    streets = sorted((u for u in units if u.level == Level.STREET), key=lambda u: u.path)
    communities = sorted((u for u in units if u.level == Level.COMMUNITY), key=lambda u: u.path)
    # 95 bare community names mean little: the menus group them under their street.
    street_names = {u.path: u.name for u in streets}
    for community in communities:
        community.street_name = street_names.get(community.path.rsplit("/", 2)[0] + "/", "")
    return streets, communities


def pick(units, pk):
    """The unit of `units` with this id (read with portal.core.params.pk), or None."""
    return next((u for u in units if u.pk == pk), None) if pk else None


def get_center_for_user(request, center_pk, need=VIEW):
    """The one access helper for a staff center page."""
    return scope_for(request.user).get_object_or_404(Center.objects.select_related("owner"), need=need, pk=center_pk)


def scoped_centers(request):
    return Center.objects.visible_to(request.user)


def formset_page(request, center_pk, formset_class, prefix, title, template="centers/centers/staff_formset.html"):
    """A staff page editing one kind of a center's inline rows (closures, rooms)."""
    center = get_center_for_user(request, center_pk, need=EDIT)
    formset = formset_class(request.POST or None, instance=center, prefix=prefix)
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("Saved %(name)s.") % {"name": center.name})
        return redirect("staff_center_detail", center_pk=center.pk)
    return render(request, template, {"center": center, "formset": formset, "title": title})
