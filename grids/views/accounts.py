"""Staff accounts, managed by a 管理员 inside their part of the tree (/staff/accounts/...).

Every account page goes through get_account_for_user: 404 for an account outside the user's
scope (any assignment outside it, or a superuser), 403 for one inside it that the user may not
manage (no 管理员 role there, a peer 管理员, or their own account). The rules themselves live in
grids.services.accounts; each change is recorded there as an AccountEvent.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_safe

from portal.core.forms import add_service_errors

from ..forms.accounts import AccountCreateForm, AccountEditForm, AssignmentForm, PasswordResetForm
from ..scope import MANAGE, scope_for
from ..services import accounts as account_services
from ..services.tree import attach_full_names

PAGE_SIZE = 50
EVENTS_SHOWN = 50


def _require_manager(scope):
    if not scope.can(MANAGE):
        raise PermissionDenied(_("Only administrators manage staff accounts."))


def get_account_for_user(request, pk):
    """The account `pk` if the requesting user may manage it: 404 outside their scope,
    403 inside it without the right (or for their own account)."""
    user = request.user
    scope = scope_for(user)
    if str(pk) == str(user.pk):
        raise PermissionDenied(_("You cannot change your own account here."))
    try:
        account = account_services.visible_accounts(scope).get(pk=pk)
    except (ValueError, TypeError, get_user_model().DoesNotExist) as exc:
        raise Http404(_("No such record in your part of the tree.")) from exc
    if not account_services.manageable_accounts(scope).filter(pk=account.pk).exists():
        raise PermissionDenied(_("Your role here does not allow this."))
    return account


def _passwords(form):
    return form.cleaned_data.get("password1", "")


@require_safe
@login_required
def account_list(request):
    scope = scope_for(request.user)
    _require_manager(scope)
    accounts = account_services.manageable_accounts(scope)
    query = request.GET.get("q", "").strip()
    if query:
        accounts = accounts.filter(Q(username__icontains=query) | Q(first_name__icontains=query))
    status = request.GET.get("status", "")
    if status in ("active", "inactive"):
        accounts = accounts.filter(is_active=status == "active")
    accounts = account_services.account_rows(accounts.order_by("username"))
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    attach_full_names([row.unit for account in page.object_list for row in account.rows])
    context = {"page": page, "query": query, "status": status}
    return render(request, "grids/accounts/list.html", context)


@sensitive_post_parameters("password1", "password2", "mobile")
@sensitive_variables("password")
@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def account_create(request):
    scope = scope_for(request.user)
    _require_manager(scope)
    form = AccountCreateForm(request.POST or None, unit_choices=account_services.assignable_units(scope))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account, password = account_services.create_account(
                by=request.user,
                username=data["username"],
                full_name=data["full_name"],
                mobile=data["mobile"],
                email=data["email"],
                password=_passwords(form),
                unit=data["unit"],
                role=data["role"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, "username")
        else:
            messages.success(request, _("Created the account %(name)s.") % {"name": account.username})
            if data["password1"]:
                return redirect("account_detail", account_pk=account.pk)
            # A generated password is shown in this response only: never in a URL, a message
            # stored in the session, or a cache.
            return render(request, "grids/accounts/password_shown.html", {"account": account, "password": password})
    context = {"form": form, "title": _("New staff account"), "back": reverse("account_list")}
    return render(request, "grids/accounts/form.html", context)


@require_safe
@login_required
def account_detail(request, account_pk):
    account = get_account_for_user(request, account_pk)
    account = account_services.account_rows(type(account).objects.filter(pk=account.pk)).get()
    attach_full_names([row.unit for row in account.rows])
    events = list(account.account_events.all()[:EVENTS_SHOWN])
    profile = getattr(account, "staff_profile", None)
    context = {
        "account": account,
        "mobile_masked": profile.mobile_masked if profile else "",
        "events": events,
        "can_remove": len(account.rows) > 1,
        "locked": account_services.is_locked(account),
    }
    return render(request, "grids/accounts/detail.html", context)


@sensitive_post_parameters("mobile")
@require_http_methods(["GET", "POST"])
@login_required
def account_edit(request, account_pk):
    account = get_account_for_user(request, account_pk)
    profile = getattr(account, "staff_profile", None)
    initial = {"full_name": account.first_name, "email": account.email}
    form = AccountEditForm(
        request.POST or None, initial=initial, masked_mobile=profile.mobile_masked if profile else ""
    )
    if request.method == "POST" and form.is_valid():
        try:
            account_services.update_account(
                by=request.user,
                account=account,
                full_name=form.cleaned_data["full_name"],
                mobile=form.cleaned_data["mobile"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, "full_name")
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": account.username})
            return redirect("account_detail", account_pk=account.pk)
    title = _("Edit the account %(name)s") % {"name": account.username}
    context = {"form": form, "title": title, "account": account, "back": reverse("account_detail", args=[account.pk])}
    return render(request, "grids/accounts/form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def assignment_add(request, account_pk):
    account = get_account_for_user(request, account_pk)
    scope = scope_for(request.user)
    form = AssignmentForm(request.POST or None, unit_choices=account_services.assignable_units(scope))
    if request.method == "POST" and form.is_valid():
        try:
            account_services.add_assignment(
                by=request.user, account=account, unit=form.cleaned_data["unit"], role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, "unit")
        else:
            messages.success(request, _("Added the assignment."))
            return redirect("account_detail", account_pk=account.pk)
    title = _("Assign %(name)s to a unit") % {"name": account.username}
    context = {"form": form, "title": title, "account": account, "back": reverse("account_detail", args=[account.pk])}
    return render(request, "grids/accounts/form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def assignment_remove(request, account_pk, assignment_pk):
    account = get_account_for_user(request, account_pk)
    assignment = get_object_or_404(account.assignments.select_related("unit"), pk=assignment_pk)
    back = reverse("account_detail", args=[account.pk])
    if request.method == "POST":
        try:
            account_services.remove_assignment(by=request.user, assignment=assignment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Removed the assignment."))
        return redirect(back)
    attach_full_names([assignment.unit])
    many = account.assignments.count() > 1
    if many:
        text = _("The account loses the role %(role)s there; its other assignments stay.") % {
            "role": assignment.get_role_display()
        }
    else:
        text = _("An account keeps at least one assignment. To take away all access, deactivate the account.")
    context = {
        "title": _("Remove %(name)s from %(unit)s?")
        % {"name": account.username, "unit": assignment.unit.full_name_text},
        "text": text,
        "button": _("Remove the assignment"),
        "allowed": many,
        "back": back,
    }
    return render(request, "grids/accounts/confirm.html", context)


def _set_active(request, account_pk, active):
    account = get_account_for_user(request, account_pk)
    back = reverse("account_detail", args=[account.pk])
    if request.method == "POST":
        account_services.set_active(by=request.user, account=account, active=active)
        if active:
            messages.success(request, _("%(name)s can sign in again.") % {"name": account.username})
        else:
            messages.success(request, _("%(name)s can no longer sign in.") % {"name": account.username})
        return redirect(back)
    if active:
        title = _("Reactivate %(name)s?") % {"name": account.username}
        text = _("The account can sign in again, with its assignments as they are.")
        button = _("Reactivate")
    else:
        title = _("Deactivate %(name)s?") % {"name": account.username}
        text = _("The account can no longer sign in and loses access at once; its assignments and records stay.")
        button = _("Deactivate")
    context = {"title": title, "text": text, "button": button, "allowed": True, "back": back}
    return render(request, "grids/accounts/confirm.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def account_deactivate(request, account_pk):
    return _set_active(request, account_pk, False)


@require_http_methods(["GET", "POST"])
@login_required
def account_reactivate(request, account_pk):
    return _set_active(request, account_pk, True)


@sensitive_post_parameters("password1", "password2")
@sensitive_variables("password")
@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def account_password(request, account_pk):
    account = get_account_for_user(request, account_pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password = account_services.reset_password(by=request.user, account=account, password=_passwords(form))
        except ValidationError as exc:
            add_service_errors(form, exc, "password1")
        else:
            messages.success(request, _("Set a new password for %(name)s.") % {"name": account.username})
            if form.cleaned_data["password1"]:
                return redirect("account_detail", account_pk=account.pk)
            return render(request, "grids/accounts/password_shown.html", {"account": account, "password": password})
    title = _("New password for %(name)s") % {"name": account.username}
    context = {"form": form, "title": title, "account": account, "back": reverse("account_detail", args=[account.pk])}
    return render(request, "grids/accounts/form.html", context)


@require_safe
@login_required
def locked_account_list(request):
    """The accounts in the user's part of the tree that are locked after failed logins."""
    scope = scope_for(request.user)
    _require_manager(scope)
    accounts = list(account_services.locked_accounts(scope).order_by("-last_failure", "username"))
    for account in accounts:
        account.locked_until = account.last_failure + settings.AXES_COOLOFF_TIME
    context = {"accounts": accounts, "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
    return render(request, "grids/accounts/locked.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def account_unlock(request, account_pk):
    account = get_account_for_user(request, account_pk)
    back = reverse("account_detail", args=[account.pk])
    if request.method == "POST":
        if account_services.unlock(by=request.user, account=account):
            messages.success(request, _("%(name)s can sign in again at once.") % {"name": account.username})
        else:
            messages.info(request, _("%(name)s was not locked.") % {"name": account.username})
        return redirect("account_locked_list")
    context = {
        "title": _("Unlock %(name)s?") % {"name": account.username},
        "text": _("The failed logins of this account are forgotten and it can sign in again at once."),
        "button": _("Unlock"),
        "allowed": True,
        "back": back,
    }
    return render(request, "grids/accounts/confirm.html", context)
