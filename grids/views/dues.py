"""Staff pages of 党费 (membership dues): the arrears list of an organisation, its printable
yearly statement, a member's dues, setting them, recording a payment and reversing one.

Every query goes through grids.scope. Pay bases are shown in full only to staff with EDIT on the
member's unit, and appear in no list, statement or download.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core import params
from portal.core.forms import add_service_errors
from portal.core.money import format_yuan
from portal.core.queries import more_than

from ..forms.dues import AssessmentForm, PaymentForm, ReverseForm
from ..models import DuesPayment, Level, Member, Unit
from ..scope import EDIT, VIEW, scope_for
from ..services import dues as dues_services
from ..services.tree import attach_full_names
from .members import PAGE_SIZE, default_root


def _year(request):
    return params.year(request.GET, default=timezone.localdate().year)


def _current_members(unit, user):
    return (
        Member.objects.under(unit)
        .visible_to(user)
        .filter(left_reason="")
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )


@require_safe
@login_required
def dues_list(request):
    """党费 of an organisation: every member's dues, payments and arrears this year; those in
    arrears first when asked, the 6-month flag on each."""
    scope = scope_for(request.user)
    if not scope:
        raise PermissionDenied(_("You are not assigned to any unit."))
    year = _year(request)
    ref = params.pk(request.GET, "unit", label=_("unit"))
    unit = (scope.units(VIEW).filter(pk=ref).first() if ref else None) or default_root(scope)
    only_arrears = params.flag(request.GET, "arrears", label=_("in arrears only"))
    members = _current_members(unit, request.user)
    # Dues are kept by the branch: above a branch's size (a street, the district) the page offers
    # the organisations below instead of reading every member (a million at ten districts' size).
    too_many = more_than(members, dues_services.LISTED)
    rows = [] if too_many else dues_services.standings(members, year)
    totals = None if too_many else dues_services.totals(rows)
    if only_arrears:
        rows = [row for row in rows if row.arrears > 0]
    page = Paginator(rows, PAGE_SIZE).get_page(params.page(request.GET))
    attach_full_names([unit, *(row.member.unit for row in page.object_list)])
    children = unit.children.order_by("name") if unit.level < Level.BUILDING else []
    context = {
        "unit": unit,
        "year": year,
        "page": page,
        "totals": totals,
        "only_arrears": only_arrears,
        "too_many": too_many,
        "listed": dues_services.LISTED,
        "children": children,
        "behind_months": dues_services.BEHIND_MONTHS,
    }
    return render(request, "grids/dues/list.html", context)


@require_safe
@login_required
def dues_statement(request, unit_pk):
    """The yearly statement of collection of an organisation (收缴情况), printable for publishing
    to its members: per member due, paid and owed, and the totals. No pay base appears."""
    scope = scope_for(request.user)
    unit = scope.get_object_or_404(Unit.objects.all(), pk=unit_pk)
    year = _year(request)
    members = _current_members(unit, request.user)
    too_many = more_than(members, dues_services.LISTED)
    rows = [] if too_many else dues_services.standings(members, year)
    attach_full_names([unit])
    children = unit.children.order_by("name") if too_many else []
    context = {
        "unit": unit,
        "year": year,
        "rows": rows,
        "totals": None if too_many else dues_services.totals(rows),
        "too_many": too_many,
        "listed": dues_services.LISTED,
        "children": children,
    }
    return render(request, "grids/dues/statement.html", context)


@require_safe
@login_required
def member_dues(request, member_pk):
    scope = scope_for(request.user)
    member = scope.get_object_or_404(Member.objects.select_related("unit"), pk=member_pk)
    year = _year(request)
    can_edit = scope.allows(member.unit, EDIT)
    assessments = list(member.dues.order_by("-year").select_related("set_by"))
    for assessment in assessments:
        # The base in full for staff who may change it, masked for everyone else.
        assessment.base_shown = (
            assessment.pay_base.reveal() if can_edit and assessment.pay_base else assessment.pay_base
        )
    standing = dues_services.standings([member], year)[0]
    payments = member.dues_payments.filter(year=year).select_related("recorded_by", "reverses", "reversed_by")
    context = {
        "member": member,
        "year": year,
        "assessments": assessments,
        "standing": standing,
        "months": [(m, m in standing.due_months or None, m in standing.paid_months) for m in range(1, 13)],
        "payments": payments,
        "can_edit": can_edit,
    }
    return render(request, "grids/dues/member.html", context)


@login_required
def member_dues_assess(request, member_pk):
    scope = scope_for(request.user)
    member = scope.get_object_or_404(Member.objects.select_related("unit"), need=EDIT, pk=member_pk)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = dues_services.assess(
                member=member,
                year=data["year"],
                category=data["category"],
                pay_base=data["pay_base"],
                fixed_amount=data["fixed_amount"],
                relief=data["relief"],
                relief_amount=data["relief_amount"],
                reason=data["relief_reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Dues of %(name)s set: %(amount)s yuan a month.")
                % {"name": member.name, "amount": format_yuan(assessment.monthly)},
            )
            return redirect(f"{reverse('member_dues', args=[member.pk])}?year={assessment.year}")
    title = _("Dues of %(name)s") % {"name": member.name}
    return render(request, "grids/members/form.html", {"form": form, "member": member, "title": title})


@login_required
def member_dues_pay(request, member_pk):
    scope = scope_for(request.user)
    member = scope.get_object_or_404(Member.objects.select_related("unit"), need=EDIT, pk=member_pk)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = dues_services.record_payment(member=member, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Recorded the payment of %(name)s.") % {"name": member.name})
            return redirect(f"{reverse('member_dues', args=[member.pk])}?year={payment.year}")
    title = _("Dues payment of %(name)s") % {"name": member.name}
    return render(request, "grids/members/form.html", {"form": form, "member": member, "title": title})


@login_required
def dues_payment_reverse(request, payment_pk):
    scope = scope_for(request.user)
    payment = scope.get_object_or_404(
        DuesPayment.objects.select_related("member", "member__unit"), need=EDIT, pk=payment_pk
    )
    member = payment.member
    form = ReverseForm(request.POST or None, payment=payment)
    if request.method == "POST" and form.is_valid():
        try:
            dues_services.reverse_payment(payment=payment, reason=form.cleaned_data["note"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, "note")
        else:
            messages.success(request, _("The payment was reversed; both entries stay on record."))
            return redirect(f"{reverse('member_dues', args=[member.pk])}?year={payment.year}")
    title = _("Reverse the payment of %(name)s for %(year)s, months %(first)s to %(last)s?") % {
        "name": member.name,
        "year": payment.year,
        "first": payment.first_month,
        "last": payment.last_month,
    }
    return render(request, "grids/members/form.html", {"form": form, "member": member, "title": title})
