"""Scoped JSON endpoints of the search-as-you-type pickers (portal/core/pickers.py, issue 15).

GET /staff/pick/<kind>/?q=&page=&need=edit&... answers {"results": [{"id", "text"}], "more"}:
at most 20 records of the user's scope (`scope_for(...).filter`, EDIT with need=edit) whose
name contains q, in a fixed order, one page at a time (21 rows read to know whether more
follow, never a count). 403 without any assignment; nothing outside the scope, ever. The form
that receives the id checks it again against its own scoped queryset.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from centers.models import Center
from grids.models import Level, Member, ServicePost, Unit
from grids.scope import EDIT, VIEW, scope_for
from grids.services.tree import person_labels, post_labels, unit_paths
from portal.core import params
from portal.core.pickers import PAGE
from projects.forms.common import team_label
from projects.models import Volunteer, VolunteerTeam


def _units(request, qs):
    level = params.choice(request.GET, "level", Level.choices, label=_("level"))
    levels = params.text(request.GET, "levels", max_length=60, label=_("level"))
    if level:
        qs = qs.filter(level=level)
    elif levels:
        allowed = {str(value): value for value in Level.values}
        qs = qs.filter(level__in=[allowed[part] for part in levels.split(",") if part in allowed])
    return qs


def _members(request, qs):
    """`under`: the members of one unit's subtree (a demand's helpers come from its community).
    It narrows the scoped list, never widens it: a unit outside the scope leaves nothing."""
    ref = params.pk(request.GET, "under", label=_("unit"))
    if ref is None:
        return qs
    unit = Unit.objects.filter(pk=ref).only("path").first()
    return qs.filter(unit__path__startswith=unit.path) if unit else qs.none()


def _posts(request, qs):
    if params.flag(request.GET, "open", label=_("places left")):
        qs = qs.filter(n_claimed__lt=F("capacity"))
    return qs


# kind: (base queryset, extra filters, label batch, order)
KINDS = {
    "units": (lambda: Unit.objects.all(), _units, lambda rows: unit_paths(rows), ("path",)),
    "members": (lambda: Member.objects.current().select_related("unit"), _members, person_labels, ("name", "pk")),
    "volunteers": (lambda: Volunteer.objects.select_related("unit"), None, person_labels, ("name", "pk")),
    "teams": (
        lambda: VolunteerTeam.objects.select_related("unit"),
        None,
        lambda rows: {team.pk: team_label(team) for team in rows},
        ("name", "pk"),
    ),
    "centers": (
        lambda: Center.objects.select_related("owner"),
        None,
        lambda rows: {c.pk: f"{c.name}（{c.owner.name}）" for c in rows},
        ("name", "pk"),
    ),
    "posts": (
        lambda: ServicePost.objects.with_claimed().select_related("unit"),
        _posts,
        post_labels,
        ("unit__path", "name", "pk"),
    ),
}


def _pick(request, kind):
    base, narrow, labels, order = KINDS[kind]
    scope = scope_for(request.user)
    need = EDIT if params.choice(request.GET, "need", ("view", "edit"), label=_("need")) == "edit" else VIEW
    if not scope.can(need):
        raise PermissionDenied(_("You have no part of the tree assigned."))
    query = params.text(request.GET, "q", max_length=50, label=_("search"))
    page = params.page(request.GET)
    qs = scope.filter(base(), need)
    if narrow is not None:
        qs = narrow(request, qs)
    if query:
        qs = qs.filter(name__icontains=query)
    start = (page - 1) * PAGE
    # The page's ids first, in a subquery that reads only the ordering index (a search that
    # matches nothing walks every member of the scope; reading each table row as it went took
    # seconds at ten times a district), then those rows.
    ids = qs.order_by(*order).values("pk")[start : start + PAGE + 1]
    rows = list(qs.filter(pk__in=ids).order_by(*order))
    more, rows = len(rows) > PAGE, rows[:PAGE]
    text = labels(rows)
    results = [{"id": row.pk, "text": text.get(row.pk, str(row))} for row in rows]
    return JsonResponse({"results": results, "more": more}, json_dumps_params={"ensure_ascii": False})


def _view(kind):
    @require_safe
    @login_required
    def view(request):
        return _pick(request, kind)

    view.__name__ = f"pick_{kind}"
    view.__doc__ = f"Scoped search of {kind} for the pickers."
    return view


urlpatterns = [path(f"pick/{kind}/", _view(kind), name=f"pick_{kind}") for kind in KINDS]
