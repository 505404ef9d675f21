"""Public pages of residents' demands, phone first and without login: file a demand (with the
similar open ones nearby and "我也遇到"), follow it by its code with the 回访 form once handled,
the public board of handled demands and its GeoJSON. Nothing personal is shown: no name, no
mobile, locations rounded to about 100 m."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BooleanField
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from portal.core import pagecache, params
from portal.core.forms import add_service_errors
from portal.core.maps import map_config, point
from portal.core.ratelimit import hit, posted, ratelimit

from ..forms.demands import DemandForm, TrackForm, VisitForm
from ..models import Demand, DemandStatus, PhotoStage
from ..services import demands as flow
from ..services import demands_intake as intake
from ..services import demands_rates as rates

BOARD_PAGE = 30
# What the cached public pages show: demands, their categories and the names of the tree's units
# (no clock: "handled in N hours" is fixed once handled). The tracking page stays uncached: it is
# one resident's, rate limited per lookup.
PUBLIC_TAGS = ("grids.demand", "grids.demandcategory", "grids.unit")
# The intake map starts close enough to tap a street (one pixel is about 4 m at zoom 15).
PICKER_ZOOM = 15


def _picker():
    """The "pick on the map" step: no markers, a tap fills the hidden latitude/longitude (WGS-84)."""
    return map_config([], picker=True, zoom=PICKER_ZOOM)


def _street_step(request):
    """Without a script, the street is chosen by sending the form: it comes back with what was
    typed, not checked yet, its community list narrowed to the street (photos cannot be kept)."""
    form = DemandForm()
    initial = {name: request.POST.get(name) for name in form.fields if name in request.POST and name != "photos"}
    initial |= {name: name in request.POST for name, field in form.fields.items() if isinstance(field, BooleanField)}
    form = DemandForm(initial=initial)
    context = {
        "form": form,
        "similar": [],
        "photos_again": bool(request.FILES),
        "street_step": True,
        "map": _picker(),
    }
    return render(request, "grids/demands/new.html", context)


@pagecache.public_page(*PUBLIC_TAGS)
def new(request):
    if request.method == "POST" and "choose_street" in request.POST:
        return _street_step(request)
    form = DemandForm(request.POST or None, request.FILES or None)
    similar = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        community = data["community"]
        if data["latitude"] is not None and community is None:
            community = intake.community_near(data["latitude"], data["longitude"])
            if community is None:
                form.add_error("community", _("No community of the district is near this place: choose one."))
        similar = intake.similar_open(category=data["category"], latitude=data["latitude"], longitude=data["longitude"])
        if community is not None and (not similar or data["confirm_new"]):
            # Only demands about to be created count against the limit.
            hit(request, "demand")
            try:
                demand = intake.submit(
                    category=data["category"],
                    community=community,
                    title=data["title"],
                    description=data["description"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    anonymous=data["anonymous"],
                    name=data["name"],
                    mobile=data["mobile"],
                    publish=data["publish"],
                    photos=data["photos"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Thank you. Your tracking code is %(code)s: keep it to follow your demand.")
                    % {"code": demand.code},
                )
                return redirect("demand_track_code", code=demand.code)
    return render(request, "grids/demands/new.html", {"form": form, "similar": similar, "map": _picker()})


@require_http_methods(["GET", "HEAD", "POST"])
@pagecache.public_page(*PUBLIC_TAGS)
@ratelimit("demand", when=posted)
def also(request, demand_pk):
    """我也遇到: count one more resident with the same open problem, instead of a duplicate.
    The button posts here from the form's list of similar demands; a GET shows the demand with
    the same button (a link someone shared)."""
    demand = get_object_or_404(Demand.objects.open().select_related("category", "community"), pk=demand_pk)
    if request.method != "POST":
        return render(request, "grids/demands/also.html", {"demand": demand})
    try:
        flow.also(demand=demand)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("demand_new")
    messages.success(request, _("Thank you: the grid knows one more resident has this problem."))
    return redirect("demand_board")


@require_safe
@pagecache.public_page(*PUBLIC_TAGS)
def track(request):
    form = TrackForm(request.GET or None)
    if form.is_valid():
        code = intake.normalize_code(form.cleaned_data["code"])
        if code:
            return redirect("demand_track_code", code=code)
        form.add_error("code", _("A tracking code has letters and digits only, such as SQ7K3P9QXA."))
    return render(request, "grids/demands/track.html", {"form": form})


@never_cache
@ratelimit("lookup", when=lambda request: request.method == "GET")
@ratelimit("demand", when=posted)
def track_code(request, code):
    normal = intake.normalize_code(code)
    if normal != code:
        if not normal:
            raise Http404(_("No demand has this tracking code. Please check it."))
        return redirect("demand_track_code", code=normal)
    demand = Demand.objects.select_related("category", "community", "merged_into").filter(code=code).first()
    if demand is None:
        messages.error(request, _("No demand has this tracking code. Please check it."))
        return render(request, "grids/demands/track.html", {"form": TrackForm(initial={"code": code})}, status=404)
    shown = demand.followed  # a merged demand's followers see the other one's outcome
    form = VisitForm(request.POST or None)
    if request.method == "POST":
        if shown.status != DemandStatus.HANDLED:
            messages.error(request, _("The return visit is open once the demand is handled."))
        elif form.is_valid():
            try:
                flow.visit(demand=shown, satisfaction=form.cleaned_data["satisfaction"], note=form.cleaned_data["note"])
            except ValidationError as exc:
                add_service_errors(form, exc, "satisfaction")
            else:
                messages.success(request, _("Thank you for your answer."))
                return redirect("demand_track_code", code=code)
    context = {
        "demand": demand,
        "shown": shown,
        "clock": rates.clock(shown),
        "steps": shown.transitions.filter(public=True).select_related("to_unit"),
        "stages": shown.lifecycle(),
        "reply_photos": shown.photos.filter(stage=PhotoStage.REPLY),
        "form": form if shown.status == DemandStatus.HANDLED else None,
    }
    return render(request, "grids/demands/track_code.html", context)


def _public_rows(qs):
    for demand in qs:
        demand.lat, demand.lng = intake.rounded(demand.latitude), intake.rounded(demand.longitude)
        demand.hours_to_handle = (
            round((demand.handled_at - demand.submitted_at).total_seconds() / 3600, 1) if demand.handled_at else None
        )
        yield demand


@require_safe
@pagecache.public_page(*PUBLIC_TAGS)
def board(request):
    """挂牌销号 in public: handled demands the residents allowed to publish."""
    category = params.pk(request.GET, "category", label=_("category"))
    qs = Demand.objects.public().order_by("-handled_at", "-pk")
    if category:
        qs = qs.filter(category_id=category)
    page = Paginator(qs, BOARD_PAGE).get_page(params.page(request.GET))
    page.object_list = list(_public_rows(page.object_list))
    # The map of this page's rows: rounded places, the category and the community, nothing else.
    markers = [point(d.lat, d.lng, str(d.category), d.community.name) for d in page.object_list if d.lat is not None]
    return render(request, "grids/demands/board.html", {"page": page, "map": map_config(markers)})


@require_safe
@pagecache.public_page(*PUBLIC_TAGS)
def geojson(request):
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [demand.lng, demand.lat]},
            "properties": {
                "category": demand.category.name,
                "community": demand.community.name,
                "title": demand.title,
                "reply": demand.reply,
                "hours_to_handle": demand.hours_to_handle,
                "status": demand.status,
            },
        }
        for demand in _public_rows(
            Demand.objects.public().filter(latitude__isnull=False).order_by("-handled_at")[:5000]
        )
    ]
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Type"] = "application/geo+json; charset=utf-8"
    return response
