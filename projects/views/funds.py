"""Staff pages of the money of 民生微实事: a project's spending and social investment, the fund
lines a user may see (those of their subtree and of the units above it), one fund line of their
subtree (its budget, what its projects hold, what they spent, its 变更记录) and a new fund line."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from grids.models import Level
from grids.scope import EDIT, MANAGE, VIEW, scope_for
from portal.core import params
from portal.core.money import MoneySum, coalesce_money

from ..forms import funds as forms
from ..models.funds import Expenditure, FundLine
from ..services import funds as services
from .micro import PAGE_SIZE, money_context
from .micro_staff import get_project


@login_required
def staff_spending(request, micro_pk):
    """Spending entry (and social investment) for one project."""
    scope = scope_for(request.user)
    project = get_project(request, micro_pk, need=EDIT if request.method == "POST" else VIEW)
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
    can_edit = scope.allows(project.community, EDIT)
    context = {
        "project": project,
        "expense_form": expense_form,
        "social_form": social_form,
        "can_edit": can_edit,
        "can_reverse": can_edit,
        "can_overrun": scope.allows(project.community, MANAGE),
        **money_context(project),
    }
    return render(request, "projects/funds/staff_spending.html", context, status=status)


@login_required
def staff_reverse(request, expenditure_pk):
    """冲正: a mistaken expenditure is corrected by a reversing entry with a reason, never edited."""
    qs = Expenditure.objects.select_related("project__community", "reverses")
    expenditure = scope_for(request.user).get_object_or_404(qs, need=EDIT, pk=expenditure_pk)
    project = expenditure.project
    form = forms.ReversalForm(request.POST or None, expenditure=expenditure)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reverse_expenditure(
                    expenditure=expenditure, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Reversed: the original entry and its reversal are both on record."))
                return redirect("micro_staff_spending", micro_pk=project.pk)
        status = 400
    context = {"project": project, "expenditure": expenditure, "form": form}
    return render(request, "projects/funds/staff_reverse.html", context, status=status)


def _visible_lines(scope):
    """Lines in the user's subtree, and those of the units above it (the district's money)."""
    qs = FundLine.objects.select_related("unit").with_left()
    if scope.everything:
        return qs
    above = set()
    for root in scope.roots(VIEW):
        above.update(root.ancestor_ids())
    return qs.filter(scope.q(FundLine) | Q(unit_id__in=above))


@require_safe
@login_required
def staff_funds(request):
    scope = scope_for(request.user)
    lines = _visible_lines(scope).order_by("-year", "unit__level", "unit__name", "category")
    year = params.year(request.GET, "year")
    if year:
        lines = lines.filter(year=year)
    page = Paginator(lines, PAGE_SIZE).get_page(params.page(request.GET))
    for line in page.object_list:
        # A line of a unit above the user's subtree is listed (the district's money), not opened:
        # its page lists projects of other streets.
        line.openable = scope.allows(line.unit, VIEW)
    context = {"page": page, "year": year, "can_manage": scope.can(MANAGE)}
    return render(request, "projects/funds/staff_funds.html", context)


# The latest spending entries shown on a fund line's page; the total counts them all.
SPENDING_SHOWN = 50


@require_safe
@login_required
def staff_fund_detail(request, fund_pk):
    scope = scope_for(request.user)
    line = scope.get_object_or_404(FundLine.objects.select_related("unit").with_left(), pk=fund_pk)
    projects = scope.filter(line.projects.select_related("community"), VIEW).order_by("-reserved_amount", "pk")
    page = Paginator(projects, PAGE_SIZE).get_page(params.page(request.GET))
    spending = scope.filter(Expenditure.objects.filter(project__fund_line=line), VIEW)
    context = {
        "line": line,
        "page": page,
        "spent": spending.aggregate(total=coalesce_money(MoneySum("amount")))["total"],
        "spending": spending.select_related("project").order_by("-date", "-pk")[:SPENDING_SHOWN],
        "spending_shown": SPENDING_SHOWN,
    }
    return render(request, "projects/funds/staff_fund.html", context)


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
