"""Staff pages of 组织关系转接 (/staff/transfers/): the transfers of one's scope and those
addressed to it, a letter out for a member, a member received from outside, accepting and
returning a letter.

A transfer is read through the scope of its responsible unit (scope_via), or, for a letter inside
the district, by the staff of its receiving unit (Transfer.objects.incoming): they accept it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.core import params
from portal.core.forms import add_service_errors

from ..forms.members import MemberForm
from ..forms.transfers import IssueForm, LetterInForm, ReturnForm
from ..models import Direction, Member, Transfer, TransferState, Unit
from ..scope import EDIT, VIEW, scope_for
from ..services import transfers as services
from ..services.tree import attach_full_names
from .members import PAGE_SIZE, member_units


def _visible(scope, need=VIEW):
    own = scope.filter(Transfer.objects.all(), need)
    incoming = Transfer.objects.incoming(scope.units(need))
    return Transfer.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=incoming.values("pk")))


def _get(scope, pk, *, acting=False):
    """The transfer (404 outside the scope, either side). With `acting`, 403 unless the user may
    act on it: the receiving unit accepts or returns a letter inside the district, the sending
    unit records the answer to a letter outside it."""
    transfer = _visible(scope).select_related("member", "unit", "to_unit").filter(pk=pk).first()
    if transfer is None:
        raise Http404(_("No such record in your part of the tree."))
    if acting:
        deciding = transfer.to_unit if transfer.direction == Direction.OUT_INSIDE else transfer.unit
        if not scope.allows(deciding, EDIT):
            raise PermissionDenied(_("Your role here does not allow this."))
    return transfer


@require_safe
@login_required
def transfer_list(request):
    """Transfers of the scope and addressed to it; the district follows those in flight and expired."""
    scope = scope_for(request.user)
    if not scope:
        raise PermissionDenied(_("You are not assigned to any unit."))
    state = params.choice(request.GET, "state", TransferState.values, label=_("state"))
    transfers = _visible(scope).select_related("member", "unit", "to_unit")
    if state:
        transfers = transfers.filter(state=state)
    page = Paginator(transfers.order_by("-issued_on", "-pk"), PAGE_SIZE).get_page(params.page(request.GET))
    attach_full_names([t.unit for t in page.object_list] + [t.to_unit for t in page.object_list if t.to_unit_id])
    context = {
        "page": page,
        "state": state,
        "states": TransferState.choices,
        "counts": dict(_visible(scope).values_list("state").annotate(n=Count("pk")).order_by()),
        "expiring": services.expiring(_visible(scope)).count(),
        "can_edit": scope.can(EDIT),
    }
    return render(request, "grids/transfers/list.html", context)


@login_required
def transfer_issue(request, member_pk):
    scope = scope_for(request.user)
    member = scope.get_object_or_404(Member.objects.select_related("unit"), need=EDIT, pk=member_pk)
    district = Unit.objects.get(pk=int(member.unit.path.strip("/").split("/")[0]))
    form = IssueForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.issue_out(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, "to_unit")
        else:
            messages.success(request, _("Issued the transfer letter of %(name)s.") % {"name": member.name})
            return redirect("transfer_detail", transfer_pk=transfer.pk)
    title = _("Transfer letter for %(name)s") % {"name": member.name}
    return render(request, "grids/members/form.html", {"form": form, "member": member, "title": title})


@login_required
def transfer_in(request):
    """A member whose letter comes from outside the district: registered through the member form."""
    scope = scope_for(request.user)
    if not scope.can(EDIT):
        raise PermissionDenied(_("Your role here does not allow this."))
    letter = LetterInForm(request.POST or None, prefix="letter")
    member_form = MemberForm(request.POST or None, unit_choices=member_units(scope), user=request.user, prefix="member")
    if request.method == "POST" and letter.is_valid() and member_form.is_valid():
        scope.check(member_form.cleaned_data["unit"], EDIT)
        try:
            transfer = services.receive_from_outside(member_form=member_form, by=request.user, **letter.cleaned_data)
        except ValidationError as exc:
            add_service_errors(letter, exc)
        else:
            messages.success(
                request, _("Received %(name)s from outside the district.") % {"name": transfer.member.name}
            )
            return redirect("transfer_detail", transfer_pk=transfer.pk)
    context = {"letter": letter, "form": member_form, "title": _("Transfer in from outside the district")}
    return render(request, "grids/transfers/in.html", context)


@require_safe
@login_required
def transfer_detail(request, transfer_pk):
    scope = scope_for(request.user)
    transfer = _get(scope, transfer_pk)
    attach_full_names([transfer.unit] + ([transfer.to_unit] if transfer.to_unit_id else []))
    deciding = transfer.to_unit if transfer.direction == Direction.OUT_INSIDE else transfer.unit
    context = {
        "transfer": transfer,
        "can_decide": transfer.state == TransferState.ISSUED and scope.allows(deciding, EDIT),
        "events": transfer.events.all(),
    }
    return render(request, "grids/transfers/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def transfer_accept(request, transfer_pk):
    scope = scope_for(request.user)
    if request.method != "POST":
        transfer = _get(scope, transfer_pk)
        deciding = transfer.to_unit if transfer.direction == Direction.OUT_INSIDE else transfer.unit
        context = {
            "title": _("Accept the letter %(number)s of %(name)s?")
            % {"number": transfer.letter_number, "name": transfer.member.name},
            "text": _(
                "Inside the district the member moves to the receiving unit; a letter out of the district is "
                "recorded as received and the member leaves the district's books."
            ),
            "button": _("Accept"),
            "allowed": transfer.state == TransferState.ISSUED and scope.allows(deciding, EDIT),
            "back": reverse("transfer_detail", args=[transfer.pk]),
        }
        return render(request, "grids/members/confirm.html", context)
    transfer = _get(scope, transfer_pk, acting=True)
    try:
        services.accept(transfer=transfer, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The letter is accepted."))
    return redirect("transfer_detail", transfer_pk=transfer.pk)


@login_required
def transfer_return(request, transfer_pk):
    scope = scope_for(request.user)
    transfer = _get(scope, transfer_pk, acting=True)
    form = ReturnForm(request.POST or None, transfer=transfer)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_letter(transfer=transfer, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc, "reason")
        else:
            messages.success(request, _("The letter is returned."))
            return redirect("transfer_detail", transfer_pk=transfer.pk)
    title = _("Return the letter %(number)s") % {"number": transfer.letter_number}
    return render(request, "grids/members/form.html", {"form": form, "member": transfer.member, "title": title})
