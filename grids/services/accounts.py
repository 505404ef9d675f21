"""Staff accounts managed by a 管理员: who may manage whom, and every change, recorded.

Rules (issue 2, section 4: a 管理员 "manages everything in scope, incl. staff accounts below"):

- A user may manage an account when ALL of the account's assignments lie inside the user's
  MANAGE scope (the union of the subtrees where they are 管理员). Superusers manage every
  account; a non-superuser never sees a superuser, nor an account without any assignment
  (those belong to nobody's part of the tree), nor their own account.
- No peers: a 管理员 does not manage another 管理员 of one of their own top units, and may grant
  管理员 only on units strictly inside their subtree; on their own top unit only 工作人员 or 查看.
  Otherwise a 华富 管理员 could create a second 华富 管理员 who could then lock out the first.
- An account keeps at least one assignment: access is taken away by deactivating, so the
  account never drops out of everyone's scope.
"""

import secrets
import string

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.passwords import character_kinds

from ..models import AccountAction, AccountEvent, Assignment, Level, Role, StaffProfile
from ..scope import MANAGE, VIEW, scope_for

# Staff sit at offices: district, street, community, grid (网格员). Building groups are not staffed.
ASSIGNABLE_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID)
# Generated passwords: no look-alike characters (0/O, 1/l/I), read out over the phone.
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def accounts_in(scope, need=MANAGE):
    """The accounts all of whose assignments lie inside `scope` with `need` (one query)."""
    User = get_user_model()
    if scope.everything:
        return User.objects.exclude(pk=scope.user.pk)
    if not scope.paths(need):
        return User.objects.none()
    assignments = Assignment.objects.filter(user=OuterRef("pk"))
    outside = assignments.exclude(scope.q("unit", need))
    accounts = (
        User.objects.filter(is_superuser=False)
        .filter(Exists(assignments))
        .exclude(Exists(outside))
        .exclude(pk=scope.user.pk)
    )
    if need == MANAGE:
        # No peers: another 管理员 of one of my own top units is not mine to manage.
        peers = assignments.filter(role=Role.ADMIN, unit__path__in=scope.paths(MANAGE))
        accounts = accounts.exclude(Exists(peers))
    return accounts


def manageable_accounts(scope):
    return accounts_in(scope, MANAGE)


def visible_accounts(scope):
    """Accounts inside the user's VIEW scope: for these a refusal is 403, for others 404."""
    return accounts_in(scope, VIEW) if not scope.everything else get_user_model().objects.all()


def assignable_units(scope):
    return scope.units(MANAGE).filter(level__in=ASSIGNABLE_LEVELS).order_by("path")


def grant_error(scope, unit, role):
    """Why `scope` may not grant `role` on `unit`, or None when it may."""
    if role not in Role.values:
        return _("Choose a role.")
    if scope.everything:
        return None
    if unit is None or not scope.allows(unit, MANAGE) or unit.level not in ASSIGNABLE_LEVELS:
        return _("You can only grant roles on units in the part of the tree you manage.")
    if role == Role.ADMIN and unit.path in scope.paths(MANAGE):
        return _(
            "On your own unit you may grant only the Staff or Read only role; administrators are granted by the level above."
        )
    return None


def _check_grant(by, unit, role):
    message = grant_error(scope_for(by), unit, role)
    if message:
        raise ValidationError({"unit": message})


def _check_manages(by, account):
    if by.pk == account.pk or not manageable_accounts(scope_for(by)).filter(pk=account.pk).exists():
        raise ValidationError(_("You may not change this account."))


def _record(*, by, account, action, unit=None, role="", detail=""):
    return AccountEvent.objects.create(
        actor=by,
        actor_name=by.get_username(),
        account=account,
        account_name=account.get_username(),
        action=action,
        unit=unit,
        unit_name=unit.full_name() if unit else "",
        role=role,
        detail=detail[:255],
    )


def generate_password(length=12):
    """Random letters and digits, with upper case, lower case and a digit (the password rules
    ask for three kinds of characters)."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if character_kinds(password) >= 3:
            return password


def password_errors(password, user):
    """Django's password validators (AUTH_PASSWORD_VALIDATORS); a list of messages."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        return exc.messages
    return []


def username_taken(username, exclude_pk=None):
    users = get_user_model().objects.filter(username__iexact=username)
    return users.exclude(pk=exclude_pk).exists() if exclude_pk else users.exists()


@transaction.atomic
def create_account(*, by, username, full_name, mobile="", email="", password="", unit, role):
    """A new staff account with its first assignment. Returns (user, password): the password
    given, or a generated one (to be shown once)."""
    _check_grant(by, unit, role)
    User = get_user_model()
    if username_taken(username):
        raise ValidationError({"username": _("This username is taken: choose another.")})
    candidate = User(username=username, first_name=full_name)
    password = password or generate_password()
    errors = password_errors(password, candidate)
    if errors:
        raise ValidationError({"password1": errors})
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username, email=email, password=password, first_name=full_name, is_staff=True
            )
    except IntegrityError as exc:  # the same name created at the same moment
        raise ValidationError({"username": _("This username is taken: choose another.")}) from exc
    # The 管理员 knows this password: the account sets its own at its first login.
    profile = StaffProfile(user=user, must_change_password=True)
    profile.set_mobile(mobile)
    profile.save()
    Assignment.objects.create(user=user, unit=unit, role=role)
    _record(by=by, account=user, action=AccountAction.CREATED, unit=unit, role=role)
    return user, password


@transaction.atomic
def update_account(*, by, account, full_name, mobile=None, email=None):
    """Change the full name, the email address when one is given (None keeps it), and the mobile
    number when one is given ("" keeps it)."""
    _check_manages(by, account)
    # The new values (the mobile masked), so the trail says what was set without personal data.
    changed = []
    if account.first_name != full_name:
        account.first_name = full_name
        account.save(update_fields=["first_name"])
        changed.append(full_name)
    if email is not None and account.email != email:
        account.email = email
        account.save(update_fields=["email"])
        changed.append(email or "—")
    if mobile:
        profile, _created = StaffProfile.objects.get_or_create(user=account)
        profile.set_mobile(mobile)
        profile.save()
        changed.append(profile.mobile_masked)
    if changed:
        _record(by=by, account=account, action=AccountAction.UPDATED, detail=" · ".join(changed))
    return changed


@transaction.atomic
def add_assignment(*, by, account, unit, role):
    _check_manages(by, account)
    _check_grant(by, unit, role)
    if Assignment.objects.filter(user=account, unit=unit).exists():
        raise ValidationError(
            {
                "unit": _(
                    "This account is already assigned to this unit: remove that assignment first to change the role."
                )
            }
        )
    assignment = Assignment.objects.create(user=account, unit=unit, role=role)
    _record(by=by, account=account, action=AccountAction.ASSIGNED, unit=unit, role=role)
    return assignment


@transaction.atomic
def remove_assignment(*, by, assignment):
    account = assignment.user
    _check_manages(by, account)
    # Lock the account's rows: two removals at once must not leave it with none.
    remaining = list(Assignment.objects.select_for_update().filter(user=account).values_list("pk", flat=True))
    if remaining == [assignment.pk] or assignment.pk not in remaining:
        raise ValidationError(
            _("An account keeps at least one assignment. To take away all access, deactivate the account.")
        )
    unit, role = assignment.unit, assignment.role
    assignment.delete()
    _record(by=by, account=account, action=AccountAction.UNASSIGNED, unit=unit, role=role)


@transaction.atomic
def set_active(*, by, account, active):
    _check_manages(by, account)
    if account.is_active == active:
        return False
    account.is_active = active
    account.save(update_fields=["is_active"])
    if not active:
        # Without this an open session would work again once the account is reactivated.
        end_sessions(account)
    action = AccountAction.REACTIVATED if active else AccountAction.DEACTIVATED
    _record(by=by, account=account, action=action)
    return True


@transaction.atomic
def reset_password(*, by, account, password=""):
    """Set a new password (validated) or a generated one; returns it, to be shown once.
    The account's sessions end (Django checks the password hash on each request)."""
    _check_manages(by, account)
    password = password or generate_password()
    errors = password_errors(password, account)
    if errors:
        raise ValidationError({"password1": errors})
    account.set_password(password)
    account.save(update_fields=["password"])
    StaffProfile.objects.update_or_create(user=account, defaults={"must_change_password": True})
    _record(by=by, account=account, action=AccountAction.PASSWORD_RESET)
    return password


def end_sessions(account):
    """End every open session of the account (portal.middleware.StaffSessionMiddleware compares
    the generation a session started with to the account's)."""
    profile, _created = StaffProfile.objects.get_or_create(user=account)
    StaffProfile.objects.filter(pk=profile.pk).update(session_generation=F("session_generation") + 1)


def require_password_change(users):
    """These accounts choose their own password at their next login."""
    for user in users:
        StaffProfile.objects.update_or_create(user=user, defaults={"must_change_password": True})


def password_changed(user):
    """The user set their own password: nothing left to change at the next login."""
    StaffProfile.objects.filter(user=user, must_change_password=True).update(must_change_password=False)


def _recent_attempts():
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)


def locked_accounts(scope):
    """The accounts `scope` manages that django-axes has locked after too many failed logins
    for their username, with `failures` and `last_failure` (one query)."""
    recent = _recent_attempts().filter(username=OuterRef("username"))
    failures = recent.values("username").annotate(total=Sum("failures_since_start")).values("total")
    last = recent.order_by("-attempt_time").values("attempt_time")[:1]
    return (
        manageable_accounts(scope)
        .annotate(failures=Subquery(failures), last_failure=Subquery(last))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )


def is_locked(account):
    total = _recent_attempts().filter(username=account.get_username()).aggregate(total=Sum("failures_since_start"))
    return (total["total"] or 0) >= settings.AXES_FAILURE_LIMIT


@transaction.atomic
def unlock(*, by, account):
    """Forget the failed logins of the account's username, so it can sign in at once. Failures
    from an address locked as a whole stay: that lock is not the account's."""
    _check_manages(by, account)
    cleared = axes_reset(username=account.get_username())
    if cleared:
        _record(by=by, account=account, action=AccountAction.UNLOCKED)
    return cleared


def record_admin_grant(*, by, assignment):
    """An assignment saved in the Django admin (its checks are in AssignmentAdmin)."""
    _record(
        by=by,
        account=assignment.user,
        action=AccountAction.ASSIGNED,
        unit=assignment.unit,
        role=assignment.role,
        detail="admin",
    )


def record_admin_removal(*, by, assignment):
    _record(
        by=by,
        account=assignment.user,
        action=AccountAction.UNASSIGNED,
        unit=assignment.unit,
        role=assignment.role,
        detail="admin",
    )


def account_rows(accounts):
    """What a list of accounts shows, in a fixed number of queries: profile, and assignments
    with their units (as `account.rows`)."""
    assignments = Assignment.objects.select_related("unit").order_by("unit__path")
    return accounts.select_related("staff_profile").prefetch_related(
        Prefetch("assignments", queryset=assignments, to_attr="rows")
    )
