"""Pages of 民生微实事: public disclosure (公示), the residents' proposal and tracking, staff work.

Public pages never show a proposer's name or mobile. Staff pages go through grids.scope:
lists are filtered by it, records are fetched with scope.get_object_or_404.
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from grids.models import Level, Unit
from grids.scope import EDIT, MANAGE, VIEW, scope_for
from portal.core.personal import mask_mobile

from ..forms import micro as forms
from ..models.micro import FundLine, MicroCategory, MicroProject, MicroStatus, ProposerKind
from ..services import micro as services
from ..stats_micro import funnel_rows

PAGE_SIZE = 50
PUBLIC_STATUSES = [MicroStatus.APPROVED, MicroStatus.IN_PROGRESS, MicroStatus.ACCEPTED, MicroStatus.WITHDRAWN]


# --- Filters shared by the public list, its downloads and the staff list -----------------


def _int(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _filter(request, qs, statuses):
    """Apply ?street= &community= &year= &status= &category=; return (qs, chosen values)."""
    chosen = {
        "street": _int(request.GET.get("street")),
        "community": _int(request.GET.get("community")),
        "year": _int(request.GET.get("year")),
        "status": request.GET.get("status", ""),
        "category": request.GET.get("category", ""),
        "q": request.GET.get("q", "").strip()[:50],
    }
    if chosen["street"]:
        qs = qs.filter(community__parent_id=chosen["street"])
    if chosen["community"]:
        qs = qs.filter(community_id=chosen["community"])
    if chosen["year"]:
        qs = qs.proposed_in(chosen["year"])
    if chosen["status"] in statuses:
        qs = qs.filter(status=chosen["status"])
    else:
        chosen["status"] = ""
    if chosen["category"] in MicroCategory.values:
        qs = qs.filter(category=chosen["category"])
    else:
        chosen["category"] = ""
    if chosen["q"]:
        qs = qs.filter(Q(title__icontains=chosen["q"]) | Q(tracking_code=chosen["q"].upper()))
    return qs, chosen


def _filter_context(chosen, statuses, units=None):
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
    return _filter(request, qs, [s.value for s in PUBLIC_STATUSES])


def _rows(projects):
    """The columns of every download: never a proposer's name or mobile."""
    header = [
        _("Number"),
        _("Street"),
        _("Community"),
        pgettext("micro-project", "Title"),
        _("Category"),
        _("Year proposed"),
        _("Approved amount (yuan)"),
        _("Spent (yuan)"),
        _("Social investment (yuan)"),
        _("Status"),
        _("Progress (%)"),
    ]
    yield header
    for p in projects:
        yield [
            p.pk,
            p.community.parent.name,
            p.community.name,
            p.title,
            p.get_category_display(),
            timezone.localtime(p.proposed_at).year,
            p.approved_amount if p.approved_amount is not None else "",
            p.spent,
            p.social,
            p.get_status_display(),
            p.progress,
        ]


def _csv_response(rows, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([_csv_safe(value) for value in row])
    return response


def _csv_safe(value):
    # Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _xlsx_response(rows, filename, title):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([_csv_safe(value) for value in row])
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook.save(response)
    return response


# --- Public pages --------------------------------------------------------------------------


@require_safe
def public_list(request):
    qs, chosen = _public_queryset(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, **_filter_context(chosen, PUBLIC_STATUSES)}
    context["query"] = request.GET.urlencode()
    return render(request, "projects/micro/public_list.html", context)


@require_safe
def public_csv(request):
    qs, _chosen = _public_queryset(request)
    return _csv_response(_rows(qs.iterator(chunk_size=500)), "micro-projects.csv")


@require_safe
def public_xlsx(request):
    qs, _chosen = _public_queryset(request)
    return _xlsx_response(_rows(qs.iterator(chunk_size=500)), "micro-projects.xlsx", _("Micro-projects"))


def _timeline(project):
    return list(project.transitions.order_by("at", "pk"))


def _money_context(project):
    return {
        "expenditures": list(project.expenditures.order_by("date", "pk")),
        "social_investments": list(project.social_investments.order_by("date", "pk")),
        "milestones": list(project.milestones.order_by("date", "pk")),
    }


@require_safe
def public_detail(request, pk):
    project = MicroProject.objects.public().for_listing().filter(pk=pk).first()
    if project is None:
        raise Http404(_("No such published micro-project."))
    context = {"project": project, "timeline": _timeline(project), **_money_context(project)}
    return render(request, "projects/micro/public_detail.html", context)


def client_ip(request):
    """The client's address; behind our proxy, the last X-Forwarded-For entry (the one it added)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _rate_key(request):
    return f"micro-propose:{client_ip(request)}"


def proposals_per_hour():
    return getattr(settings, "MICRO_PROPOSALS_PER_HOUR", 5)


def propose(request):
    """征集: a resident proposes; a similar open project within 100 m is shown first."""
    form = forms.ProposalForm(request.POST or None)
    duplicates = []
    limited = False
    if request.method == "POST":
        # The cache is Redis in production, shared by every process: the limit holds across them.
        limited = cache.get(_rate_key(request), 0) >= proposals_per_hour()
        if limited:
            form.add_error(
                None,
                _("Too many proposals from this connection: at most %(n)d an hour. Please try again later.")
                % {"n": proposals_per_hour()},
            )
        elif form.is_valid():
            data = form.cleaned_data
            duplicates = services.possible_duplicates(
                latitude=data["latitude"], longitude=data["longitude"], title=data["title"]
            )
            if not duplicates or data["confirm_duplicate"]:
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
                    if cache.add(_rate_key(request), 1, 3600) is False:
                        try:
                            cache.incr(_rate_key(request))
                        except ValueError:  # expired between add and incr
                            cache.add(_rate_key(request), 1, 3600)
                    messages.success(
                        request,
                        _("Thank you. Your tracking code is %(code)s: keep it to follow your proposal.")
                        % {"code": project.tracking_code},
                    )
                    return redirect("micro_track_code", code=project.tracking_code)
    context = {"form": form, "duplicates": duplicates}
    return render(request, "projects/micro/propose.html", context, status=429 if limited else 200)


@require_safe
def track(request):
    code = request.GET.get("code", "").strip().upper()
    if code:
        if len(code) <= 12 and code.isalnum():
            return redirect("micro_track_code", code=code)
        messages.error(request, _("A tracking code has letters and digits only, such as MS7K3P9QXA."))
    return render(request, "projects/micro/track.html", {"project": None, "code": code})


@require_safe
def track_code(request, code):
    project = MicroProject.objects.select_related("community__parent").filter(tracking_code=code.upper()).first()
    if project is None:
        messages.error(request, _("No proposal has this tracking code. Please check it."))
        return render(request, "projects/micro/track.html", {"project": None, "code": code}, status=404)
    context = {"project": project, "code": project.tracking_code, "timeline": _timeline(project)}
    return render(request, "projects/micro/track.html", context)


# --- Staff pages ---------------------------------------------------------------------------

STAFF_STATUSES = list(MicroStatus)


def _staff_projects(request):
    scope = scope_for(request.user)
    qs = scope.filter(MicroProject.objects.for_listing(), via="community")
    return _filter(request, qs.order_by("-proposed_at", "-pk"), [s.value for s in STAFF_STATUSES])


@require_safe
@login_required
def staff_queue(request):
    """评议 queue: proposals waiting for the council, oldest first."""
    scope = scope_for(request.user)
    qs = scope.filter(MicroProject.objects.for_listing(), via="community")
    qs = qs.filter(status__in=[MicroStatus.PROPOSED, MicroStatus.REVIEWING]).order_by("proposed_at", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/micro/staff_queue.html", {"page": page})


@require_safe
@login_required
def staff_list(request):
    scope = scope_for(request.user)
    qs, chosen = _staff_projects(request)
    if request.GET.get("export") == "xlsx":
        # The Excel export is the same list (same scope, same filters), hence the same URL.
        return _xlsx_response(_rows(qs.iterator(chunk_size=500)), "micro-projects-staff.xlsx", _("Micro-projects"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, **_filter_context(chosen, STAFF_STATUSES, scope.units(VIEW))}
    context["can_edit"] = scope.can(EDIT)
    context["query"] = request.GET.urlencode()
    return render(request, "projects/micro/staff_list.html", context)


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
        "masked_mobile": mask_mobile(project.proposer_mobile),
        "timeline": _timeline(project),
        "actions": actions,
        "can_edit": can_edit,
        "open_action": bound[0] if bound else "",
        **_money_context(project),
    }
    return render(request, "projects/micro/staff_detail.html", context, status=status)


def _get_project(request, micro_pk, need=VIEW):
    qs = MicroProject.objects.select_related("community__parent", "fund_line__unit", "proposer_user")
    return scope_for(request.user).get_object_or_404(qs, via="community", need=need, pk=micro_pk)


@require_safe
@login_required
def staff_detail(request, micro_pk):
    return _detail(request, _get_project(request, micro_pk))


@login_required
def staff_transition(request, micro_pk):
    project = _get_project(request, micro_pk, need=EDIT)
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


@login_required
def staff_spending(request, micro_pk):
    """Spending entry (and social investment) for one project."""
    scope = scope_for(request.user)
    project = _get_project(request, micro_pk, need=EDIT if request.method == "POST" else VIEW)
    expense_form = forms.ExpenditureForm(prefix="spend")
    social_form = forms.SocialInvestmentForm(prefix="social")
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind == "social":
            social_form = forms.SocialInvestmentForm(request.POST, prefix="social")
            form = social_form
        else:
            expense_form = forms.ExpenditureForm(request.POST, request.FILES, prefix="spend")
            form = expense_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if kind == "social":
                    services.record_social_investment(
                        project=project, actor=request.user, amount=data["amount"], source=data["source"],
                        date=data["date"], note=data["note"],
                    )  # fmt: skip
                else:
                    services.record_expenditure(
                        project=project, actor=request.user, amount=data["amount"], date=data["date"],
                        payee=data["payee"], note=data["note"], voucher=data["voucher"],
                        overrun_reason=data["overrun_reason"],
                    )  # fmt: skip
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Recorded."))
                return redirect("micro_staff_spending", micro_pk=project.pk)
        status = 400
    project.spent = project.spent_total()
    context = {
        "project": project,
        "expense_form": expense_form,
        "social_form": social_form,
        "can_edit": scope.allows(project.community, EDIT),
        "can_overrun": scope.allows(project.community, MANAGE),
        **_money_context(project),
    }
    return render(request, "projects/micro/staff_spending.html", context, status=status)


def _visible_lines(scope):
    """Lines in the user's subtree, and those of the units above it (the district's money)."""
    qs = FundLine.objects.select_related("unit").with_left()
    if scope.everything:
        return qs
    above = set()
    for root in scope.roots(VIEW):
        above.update(root.ancestor_ids())
    return qs.filter(scope.q("unit") | Q(unit_id__in=above))


@require_safe
@login_required
def staff_funds(request):
    scope = scope_for(request.user)
    lines = _visible_lines(scope).order_by("-year", "unit__level", "unit__name", "category")
    year = _int(request.GET.get("year"))
    if year:
        lines = lines.filter(year=year)
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "year": year, "can_manage": scope.can(MANAGE)}
    return render(request, "projects/micro/staff_funds.html", context)


@login_required
def staff_fund_new(request):
    scope = scope_for(request.user)
    if not scope.can(MANAGE):
        raise PermissionDenied(_("Only administrators set budgets."))
    choices = scope.units(MANAGE).filter(level__lte=Level.COMMUNITY).order_by("path")
    form = forms.FundLineForm(request.POST or None, unit_choices=choices)
    if request.method == "POST" and form.is_valid():
        line = form.save(commit=False)
        scope.check(line.unit, MANAGE)
        try:
            services.save_fund_line(line=line)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Fund line saved."))
            return redirect("micro_staff_funds")
    return render(request, "projects/micro/staff_form.html", {"form": form, "title": _("New fund line")})


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
    scope = scope_for(request.user)
    by = "community" if request.GET.get("by") == "community" else "street"
    year = _int(request.GET.get("year"))
    projects = scope.filter(MicroProject.objects.all(), via="community")
    if year:
        projects = projects.proposed_in(year)
    rows = funnel_rows(projects, by=by)
    if request.GET.get("export") == "xlsx":
        return _xlsx_response(_funnel_sheet(rows, by), "micro-funnel.xlsx", _("Funnel"))
    this_year = timezone.localdate().year
    context = {"rows": rows, "by": by, "year": year, "years": list(range(this_year, 2015, -1))}
    return render(request, "projects/micro/staff_funnel.html", context)
