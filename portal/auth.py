"""Signing in: the authentication backend, the lockout rule, and what a new session records.

- `StaffBackend` is Django's ModelBackend that loads the staff profile with the user, in the
  same query, so the per-request session checks (portal.middleware.StaffSessionMiddleware) cost
  no query of their own.
- `LockoutHandler` is django-axes' database handler with two limits instead of one: a username
  is locked after AXES_FAILURE_LIMIT failures (from any address), an address after
  LOGIN_FAILURES_PER_ADDRESS failures (over any usernames: password spraying). axes compares one
  number with one limit, so the address count is reported as "at the limit" once it passes its own.
- `stamp_session` runs on every login (the portal's form, the admin's, a test's force_login):
  it notes when the session started and the account's session generation.
"""

import time

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum

from grids.models import StaffProfile

LOGIN_AT = "portal_login_at"
SEEN_AT = "portal_seen_at"
GENERATION = "portal_session_generation"


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("staff_profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def session_generation(user):
    """The account's current session generation (0 for an account without a profile)."""
    try:
        return user.staff_profile.session_generation
    except StaffProfile.DoesNotExist:
        return 0


def must_change_password(user):
    try:
        return user.staff_profile.must_change_password
    except StaffProfile.DoesNotExist:
        return False


def stamp_session(sender, request, user, **kwargs):
    """Receiver of user_logged_in: the start of the session and the account's generation."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[GENERATION] = session_generation(user)


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        by_username, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return max(by_username, get_failure_limit(request, credentials))
        return by_username
