import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET, require_POST, require_safe

from grids.models import Level, Unit
from grids.scope import EDIT, MANAGE, VIEW, scope_for
from grids.services.tree import attach_full_names
from portal.core import pagecache, params

from . import stats
from .middleware import database_unavailable


@require_safe
@pagecache.public_page("grids", "centers", "projects")
def home(request):
    streets = Unit.objects.filter(level=Level.STREET).order_by("name").only("name")
    return render(request, "portal/home.html", {"streets": streets, "figures": stats.build()})


MAX_DASHBOARD_UNITS = 5


@require_safe
@login_required
def staff_home(request):
    scope = scope_for(request.user)
    assignments = request.user.assignments.select_related("unit").order_by("unit__path")
    units = attach_full_names(a.unit for a in assignments)
    rows = list(zip(assignments, units, strict=True))
    # The dashboard: the public figures of each top unit of the user's scope (a handful of
    # aggregate queries per unit, whatever the data size).
    roots = scope.roots(VIEW)[:MAX_DASHBOARD_UNITS]
    context = {
        "rows": rows,
        "dashboards": [(unit, stats.build(unit)) for unit in roots],
        "can_view": scope.can(VIEW),
        "can_edit": scope.can(EDIT),
        "can_manage": scope.can(MANAGE),
        "is_superuser": request.user.is_superuser,
    }
    return render(request, "portal/staff_home.html", context)


def _json_error(message):
    return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})


@require_GET
@pagecache.public_page("grids", "centers", "projects")
def open_stats(request):
    unit = None
    ref = params.text(request.GET, "unit", max_length=20, label=_("unit"))
    year = params.year(request.GET, "year")
    if ref:
        unit = Unit.objects.by_ref(ref).first()
        if unit is None:
            return _json_error(_("No unit with this id or division code."))
    document = stats.build(unit, year=year)
    if unit is not None:
        document = {"unit": {"id": unit.pk, "name": unit.name, "level": Level(unit.level).name.lower()}} | document
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_POST
def text_size(request):
    """Switch the large-text (适老化) mode; works without JavaScript."""
    large = request.POST.get("large") == "1"
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if large:
        response.set_cookie(settings.LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(settings.LARGE_TEXT_COOKIE)
    return response


def _private_prefixes():
    """Paths crawlers stay out of: staff and admin pages, login, the switches, and every page a
    resident reaches with a personal code (cancellation link, 我的报名, tracking)."""
    with_code = [
        reverse("volunteer_cancel", kwargs={"token": "x"}),
        reverse("micro_track_code", kwargs={"code": "x"}),
        reverse("demand_track_code", kwargs={"code": "x"}),
    ]
    return [
        reverse("staff_home"),
        reverse("admin:index"),
        reverse("login").rsplit("/", 2)[0] + "/",  # /accounts/
        reverse("set_language").rsplit("/", 2)[0] + "/",  # /i18n/
        reverse("text_size"),
        reverse("volunteer_mine"),
        reverse("micro_track"),
        reverse("demand_track"),
        *(path.rsplit("/", 2)[0] + "/" for path in with_code),
    ]


@require_safe
def robots_txt(request):
    """/robots.txt: the public pages are for everyone, the private ones for no index."""
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in dict.fromkeys(_private_prefixes())), "Allow: /", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def server_error(request):
    """handler500: a database that is unreachable is a 503 wherever it was noticed (a view, or a
    middleware saving the session), anything else Django's 500."""
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        return database_unavailable(exception)
    return defaults.server_error(request)
