"""Public pages of 民生微实事: disclosure (公示) with its CSV and Excel downloads, a project's page,
the residents' proposal and tracking. The list filters, downloads and a project's timeline and
money are shared with the staff pages (micro_staff.py, funds.py).

Public pages never show a proposer's name or mobile.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.models import Level, Unit
from portal.core import pagecache, params
from portal.core.exports import csv_response, rows_to_xlsx
from portal.core.queries import more_than
from portal.core.ratelimit import hit, ratelimit

from ..forms import micro as forms
from ..models.micro import MicroCategory, MicroProject, MicroStatus, ProposerKind
from ..services import micro as services
from ..services.micro_export import download_rows, filter_projects, public_download_rows

PAGE_SIZE = 50
PUBLIC_STATUSES = [MicroStatus.APPROVED, MicroStatus.IN_PROGRESS, MicroStatus.ACCEPTED, MicroStatus.WITHDRAWN]


# --- Filters shared by the public list, its downloads and the staff list -----------------
# (filter_projects and download_rows live in services.micro_export: the export's job uses them.)


def filter_context(chosen, statuses, units=None):
    units = units if units is not None else Unit.objects.all()
    streets = units.filter(level=Level.STREET).order_by("name")
    communities = units.filter(level=Level.COMMUNITY).order_by("name")
    if chosen["street"]:
        communities = communities.filter(parent_id=chosen["street"])
    this_year = timezone.localdate().year
    return {
        "chosen": chosen,
        "streets": list(streets.only("pk", "name")),
        "communities": list(communities.only("pk", "name")),
        "years": list(range(this_year, 2015, -1)),
        "statuses": [(s.value, s.label) for s in statuses],
        "categories": MicroCategory.choices,
    }


def _public_queryset(request):
    qs = MicroProject.objects.public().for_listing().order_by("-proposed_at", "-pk")
    return filter_projects(request.GET, qs, [s.value for s in PUBLIC_STATUSES])


# --- Public pages --------------------------------------------------------------------------


@require_safe
@pagecache.public_page("projects", "grids")
def public_list(request):
    qs, chosen = _public_queryset(request)
    page = Paginator(qs, PAGE_SIZE).get_page(params.page(request.GET))
    context = {"page": page, **filter_context(chosen, PUBLIC_STATUSES)}
    context["query"] = request.GET.urlencode()
    context["download_limit"] = public_download_rows()
    return render(request, "projects/micro/public_list.html", context)


def _public_download(request, write):
    """The 公示 list as a file, for anyone: at most PUBLIC_DOWNLOAD_ROWS projects (a district's
    year), else a page asking for a street and a year. The whole list at 10x a district took
    133 s (CSV) and 204 s (Excel) of a worker per anonymous request, which a crowd (or one script)
    could repeat; with the limit a file costs a second or two to write, once per version of the
    data: the views are cached as public pages (README, "Fast under a crowd": the 公示 downloads)."""
    qs, _chosen = _public_queryset(request)
    limit = public_download_rows()
    if more_than(qs, limit):  # a LIMIT probe: COUNT would read the whole list
        context = {"limit": limit, "query": request.GET.urlencode()}
        return render(request, "projects/micro/download_too_large.html", context)
    return write(download_rows(qs.iterator(chunk_size=500)))


# Cached per address of the query and version of the data (only an anonymous visitor's GET is
# served from the cache); the rate limit counts only the files really written.
@require_safe
@pagecache.public_page("projects", "grids", download=True)
@ratelimit("download")
def public_csv(request):
    return _public_download(request, lambda rows: csv_response("micro-projects.csv", rows))


@require_safe
@pagecache.public_page("projects", "grids", download=True)
@ratelimit("download")
def public_xlsx(request):
    return _public_download(request, lambda rows: rows_to_xlsx("micro-projects.xlsx", _("Micro-projects"), rows))


def timeline(project):
    return list(project.transitions.order_by("at", "pk"))


def money_context(project):
    return {
        # Each reversal and the entry it reverses, both ways, in the same query.
        "expenditures": list(project.expenditures.select_related("reverses", "reversal").order_by("date", "pk")),
        "social_investments": list(project.social_investments.order_by("date", "pk")),
        "milestones": list(project.milestones.order_by("date", "pk")),
    }


@require_safe
@pagecache.public_page("projects", "grids")
def public_detail(request, pk):
    project = MicroProject.objects.public().for_listing().filter(pk=pk).first()
    if project is None:
        raise Http404(_("No such published micro-project."))
    steps = timeline(project)
    context = {"project": project, "timeline": steps, "stages": project.lifecycle(steps), **money_context(project)}
    return render(request, "projects/micro/public_detail.html", context)


def propose(request):
    """征集: a resident proposes; a similar open project within 100 m is shown first."""
    form = forms.ProposalForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = services.possible_duplicates(
            latitude=data["latitude"], longitude=data["longitude"], title=data["title"]
        )
        if not duplicates or data["confirm_duplicate"]:
            # Only proposals about to be created count (not a form with a mistake, not the page
            # asking to confirm a similar project), in one atomic increment: the limit holds
            # across processes and parallel requests. Over it, Limited → the 429 page.
            hit(request, "propose")
            try:
                project = services.propose(
                    community=data["community"],
                    title=data["title"],
                    description=data["description"],
                    category=data["category"],
                    requested_amount=data["requested_amount"],
                    proposer_kind=ProposerKind.RESIDENT,
                    proposer_name=data["name"],
                    proposer_mobile=data["mobile"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Thank you. Your tracking code is %(code)s: keep it to follow your proposal.")
                    % {"code": project.tracking_code},
                )
                return redirect("micro_track_code", code=project.tracking_code)
    context = {"form": form, "duplicates": duplicates}
    return render(request, "projects/micro/propose.html", context)


@require_safe
def track(request):
    code = params.text(request.GET, "code", label=_("tracking code"))
    if code:
        try:
            return redirect("micro_track_code", code=params.code(code, max_length=12, label=_("tracking code")))
        except params.BadParameter:
            messages.error(request, _("A tracking code has letters and digits only, such as MS7K3P9QXA."))
    return render(request, "projects/micro/track.html", {"project": None, "code": code})


@require_safe
@ratelimit("lookup")
def track_code(request, code):
    code = params.code(code, max_length=12, label=_("tracking code"))
    project = MicroProject.objects.select_related("community__parent").filter(tracking_code=code).first()
    if project is None:
        messages.error(request, _("No proposal has this tracking code. Please check it."))
        return render(request, "projects/micro/track.html", {"project": None, "code": code}, status=404)
    steps = timeline(project)
    context = {"project": project, "code": project.tracking_code, "timeline": steps, "stages": project.lifecycle(steps)}
    return render(request, "projects/micro/track.html", context)
