"""Staff pages of 民生微实事 (/staff/micro/): the review queue, the list and its Excel export, a
new proposal, a project's page with its workflow steps, and the funnel figures.

Staff pages go through grids.scope: lists are filtered by it, records are fetched with
scope.get_object_or_404, both reading the models' scope_via.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.scope import EDIT, VIEW, scope_for
from grids.services.exports_job import job_rows, start_export
from portal.core import params
from portal.core.exports import rows_to_xlsx
from portal.core.queries import more_than

from ..forms import micro as forms
from ..models.funnel import MicroFunnelTotal
from ..models.micro import MicroProject, MicroStatus, ProposerKind
from ..services import micro as services
from ..services.micro_export import STAFF_STATUSES, download_rows, staff_projects
from ..services.micro_export_job import FILENAME as EXPORT_FILENAME
from ..services.micro_export_job import NAME as EXPORT_NAME
from ..stats.micro import funnel_rows
from .micro import PAGE_SIZE, filter_context, money_context, timeline


@require_safe
@login_required
def staff_queue(request):
    """评议 queue: proposals waiting for the council, oldest first."""
    qs = MicroProject.objects.visible_to(request.user).for_listing()
    qs = qs.filter(status__in=[MicroStatus.PROPOSED, MicroStatus.REVIEWING]).order_by("proposed_at", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(params.page(request.GET))
    return render(request, "projects/micro/staff_queue.html", {"page": page})


@require_safe
@login_required
def staff_list(request):
    scope = scope_for(request.user)
    qs, chosen = staff_projects(request.user, request.GET)
    if params.choice(request.GET, "export", ["xlsx"], label=_("export")):
        # The Excel export is the same list (same scope, same filters), hence the same URL. A long
        # one is written by a job (20,000 projects took 45 s in the request); a LIMIT probe
        # decides, as a COUNT would read the whole list first.
        if more_than(qs, job_rows()):
            return _export_job(request, scope)
        return rows_to_xlsx(EXPORT_FILENAME, _("Micro-projects"), download_rows(qs.iterator(chunk_size=500)))
    page = Paginator(qs, PAGE_SIZE).get_page(params.page(request.GET))
    context = {"page": page, **filter_context(chosen, STAFF_STATUSES, scope.units(VIEW))}
    context["can_edit"] = scope.can(EDIT)
    context["query"] = request.GET.urlencode()
    return render(request, "projects/micro/staff_list.html", context)


def _export_job(request, scope):
    query = request.GET.copy()
    query.pop("export", None)
    job = start_export(
        EXPORT_NAME,
        user=request.user,
        unit=scope.roots(VIEW)[0],
        title=_("Micro-project export"),
        query=query.urlencode(),
        only_starter=True,  # the file is the starter's whole scope, which may be wider than the unit's
    )
    return redirect("job_detail", job.pk)


@login_required
def staff_new(request):
    scope = scope_for(request.user)
    if not scope.can(EDIT):
        raise PermissionDenied(_("Your role here does not allow this."))
    choices = scope.filter(forms.communities(), need=EDIT)
    form = forms.StaffProposalForm(request.POST or None, community_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope.check(data["community"], EDIT)
        try:
            project = services.propose(
                community=data["community"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                requested_amount=data["requested_amount"],
                proposer_kind=data["proposer_kind"],
                proposer_user=request.user if data["proposer_kind"] == ProposerKind.STAFF else None,
                proposer_organisation=data["proposer_organisation"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Proposal recorded. Tracking code: %(code)s") % {"code": project.tracking_code})
            return redirect("micro_staff_detail", micro_pk=project.pk)
    return render(request, "projects/micro/staff_form.html", {"form": form, "title": _("New proposal")})


# The workflow steps offered on a project's page: action -> (form class, service, statuses).
ACTIONS = {
    "review": (forms.NoteForm, MicroStatus.PROPOSED),
    "approve": (forms.ApproveForm, MicroStatus.REVIEWING),
    "reject": (forms.RejectForm, MicroStatus.REVIEWING),
    "start": (forms.StartForm, MicroStatus.APPROVED),
    "milestone": (forms.MilestoneForm, MicroStatus.IN_PROGRESS),
    "accept": (forms.AcceptForm, MicroStatus.IN_PROGRESS),
    "withdraw": (forms.WithdrawForm, None),
}
ACTION_LABELS = {
    "review": _("Start the council's review"),
    "approve": _("Approve (立项)"),
    "reject": _("Do not approve"),
    "start": _("Start implementation"),
    "milestone": _("Record a milestone"),
    "accept": _("Record acceptance"),
    "withdraw": _("Withdraw"),
}


def _make_form(action, project, data=None):
    form_class, _status = ACTIONS[action]
    kwargs = {"project": project} if form_class is forms.ApproveForm else {}
    return form_class(data, prefix=action, **kwargs)


def _available(project):
    return [
        action
        for action, (_form, status) in ACTIONS.items()
        if (status == project.status) or (status is None and project.is_open)
    ]


def _run(action, project, user, data):
    if action == "review":
        return services.start_review(project=project, actor=user, note=data["note"])
    if action == "approve":
        return services.approve(
            project=project,
            actor=user,
            amount=data["amount"],
            fund_line=data["fund_line"],
            resolution=data["resolution"],
            resolution_date=data["resolution_date"],
            note=data["note"],
        )
    if action == "reject":
        return services.reject(
            project=project,
            actor=user,
            reason=data["reason"],
            resolution=data["resolution"],
            resolution_date=data["resolution_date"],
            note=data["note"],
        )
    if action == "start":
        return services.start(
            project=project,
            actor=user,
            implementer=data["implementer"],
            start_date=data["start_date"],
            note=data["note"],
        )
    if action == "milestone":
        return services.record_milestone(
            project=project, actor=user, date=data["date"], title=data["title"], progress=data["progress"]
        )
    if action == "accept":
        return services.accept(
            project=project, actor=user, accepted_date=data["accepted_date"], result=data["result"], note=data["note"]
        )
    return services.withdraw(project=project, actor=user, note=data["note"])


def _detail(request, project, bound=None, status=200):
    scope = scope_for(request.user)
    can_edit = scope.allows(project.community, EDIT)
    actions = []
    if bound and bound[0] not in _available(project):
        # A step that is not open any more (or never was): say why at the top of the page.
        for error in bound[1].non_field_errors():
            messages.error(request, error)
    if can_edit:
        for action in _available(project):
            form = bound[1] if bound and bound[0] == action else _make_form(action, project)
            actions.append((action, ACTION_LABELS[action], form))
    project.spent = project.spent_total()
    context = {
        "project": project,
        "masked_mobile": project.proposer_mobile_masked,
        "timeline": timeline(project),
        "actions": actions,
        "can_edit": can_edit,
        "open_action": bound[0] if bound else "",
        **money_context(project),
    }
    return render(request, "projects/micro/staff_detail.html", context, status=status)


def get_project(request, micro_pk, need=VIEW):
    qs = MicroProject.objects.select_related("community__parent", "fund_line__unit", "proposer_user")
    return scope_for(request.user).get_object_or_404(qs, need=need, pk=micro_pk)


@require_safe
@login_required
def staff_detail(request, micro_pk):
    return _detail(request, get_project(request, micro_pk))


@login_required
def staff_transition(request, micro_pk):
    project = get_project(request, micro_pk, need=EDIT)
    if request.method != "POST":
        return redirect("micro_staff_detail", micro_pk=project.pk)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Unknown step."))
        return redirect("micro_staff_detail", micro_pk=project.pk)
    form = _make_form(action, project, request.POST)
    if form.is_valid():
        try:
            _run(action, project, request.user, form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Saved: the project is now “%(status)s”.") % {"status": project.get_status_display()}
            )
            return redirect("micro_staff_detail", micro_pk=project.pk)
    project.refresh_from_db()
    return _detail(request, project, bound=(action, form), status=400)


def _funnel_sheet(rows, by):
    yield [
        _("Year"),
        _("Street"),
        *([_("Community")] if by == "community" else []),
        _("Proposed"),
        _("Under review"),
        _("Approved"),
        _("Not approved"),
        _("In progress"),
        _("Accepted"),
        _("Withdrawn"),
        _("Approved (yuan)"),
        _("Spent (yuan)"),
    ]
    for r in rows:
        names = [r["street"], r["name"]] if by == "community" else [r["name"]]
        yield [r["year"], *names, r["proposed"], r["reviewing"], r["approved"], r["rejected"], r["in_progress"],
               r["accepted"], r["withdrawn"], r["approved_amount"], r["spent"]]  # fmt: skip


@require_safe
@login_required
def staff_funnel(request):
    """Funnel figures (proposed → approved → accepted) per street or community and year."""
    by = params.choice(request.GET, "by", ["street", "community"], default="street", label=_("grouped by"))
    year = params.year(request.GET, "year")
    # The kept totals (per community, year and status), never the projects (issue 15: 218,000
    # projects at 10×): the work is bounded by the scope's communities and years.
    totals = MicroFunnelTotal.objects.visible_to(request.user)
    if year:
        totals = totals.filter(year=year)
    rows = funnel_rows(totals, by=by)
    if params.choice(request.GET, "export", ["xlsx"], label=_("export")):
        return rows_to_xlsx("micro-funnel.xlsx", _("Funnel"), _funnel_sheet(rows, by))
    this_year = timezone.localdate().year
    context = {"rows": rows, "by": by, "year": year, "years": list(range(this_year, 2015, -1))}
    return render(request, "projects/micro/staff_funnel.html", context)
