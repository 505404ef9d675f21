import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from portal import auth
from portal.core.params import BadParameter, bad_characters
from portal.core.personal_store import PersonalDataKeyError
from portal.core.ratelimit import Limited, hit

logger = logging.getLogger("portal")
personal_data_log = logging.getLogger("portal.personal_data")


class ChineseByDefaultMiddleware:
    """Serve the portal in Chinese unless the visitor chose another language.

    The portal speaks the language of the district's centers. Many residents' phones (and
    every government desktop image we have seen) report an English Accept-Language while
    their users read Chinese, so the header is ignored: only an explicit choice through the
    language switch (Django's language cookie) changes the language. Runs before
    LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class BadParameterMiddleware:
    """Bad input gets a clear message and a 400, never a 500 and never a write.

    Two guards in one place. Before any view runs, a path, query parameter or form field
    holding NUL or another control character is refused (PostgreSQL cannot store NUL, and no
    person types a control character); this also covers the admin's filters and every
    search box. And when a view's parameter parser (`portal.core.params`) raises
    `BadParameter`, the message is shown: as JSON for JSON endpoints, on a page otherwise.
    Runs after CsrfViewMiddleware, so a forged POST is refused by CSRF first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        values = [request.path]
        for data in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
            for key, items in data.lists():
                values.append(key)
                values.extend(item for item in items if isinstance(item, str))
        if any(bad_characters(value) for value in values):
            return self.process_exception(
                request, BadParameter(_("The request contains characters that are not allowed."))
            )
        return None

    def process_exception(self, request, exception):
        if not isinstance(exception, BadParameter):
            return None
        if request.path.endswith((".json", ".geojson")) or "json" in request.headers.get("Accept", ""):
            return JsonResponse({"error": exception.message}, status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "bad_request.html", {"message": exception.message}, status=400)


class StaffSessionMiddleware:
    """The limits of a staff session (MLPS 2.0: 登录超时, 会话管理), checked on every request.

    A session ends when the account's session generation moved on since the login (the account
    was deactivated: grids.services.accounts.end_sessions), after SESSION_IDLE_TIMEOUT seconds
    without a request, and SESSION_MAX_AGE after the login whatever the activity. A session whose
    account can no longer sign in is flushed at once, so it cannot come back when the account is
    reactivated. An account whose password was set by a 管理员 reaches only the password-change
    page until it has chosen its own. Runs after AuthenticationMiddleware and MessageMiddleware.
    """

    # Pages an account that must change its password may still open.
    PASSWORD_CHANGE_PAGES = {"password_change", "password_change_done", "logout", "set_language", "text_size"}
    # The last-seen time is written at most this often (a session write per request otherwise).
    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            if SESSION_KEY in request.session:  # an account deactivated (or deleted) since the login
                request.session.flush()
            return self.get_response(request)
        reason = self.ended(request)
        if reason:
            logout(request)
            messages.warning(request, reason)
            return redirect_to_login(request.get_full_path())
        if auth.must_change_password(request.user) and self.url_name(request) not in self.PASSWORD_CHANGE_PAGES:
            messages.warning(request, _("An administrator set your password: choose your own before you go on."))
            return redirect("password_change")
        self.touch(request)
        return self.get_response(request)

    def ended(self, request):
        session, now = request.session, time.time()
        if session.get(auth.GENERATION, 0) != auth.session_generation(request.user):
            return _("Your session was ended: please log in again.")
        if now - session.get(auth.LOGIN_AT, 0) > settings.SESSION_MAX_AGE:
            return _("You have been logged in for %(hours)d hours: please log in again.") % {
                "hours": settings.SESSION_MAX_AGE // 3600
            }
        if now - session.get(auth.SEEN_AT, 0) > settings.SESSION_IDLE_TIMEOUT:
            return _("You were logged out after %(minutes)d minutes without activity: please log in again.") % {
                "minutes": settings.SESSION_IDLE_TIMEOUT // 60
            }
        return None

    def touch(self, request):
        now = int(time.time())
        if now - request.session.get(auth.SEEN_AT, 0) >= self.TOUCH_EVERY:
            request.session[auth.SEEN_AT] = now

    @staticmethod
    def url_name(request):
        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header on every response (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class PersonalDataKeyMiddleware:
    """A stored number that the configured keys cannot open (PersonalDataKeyError) gets a page
    saying the personal-data key is misconfigured, with a 500, never a blank where the number
    was. The log names the key id, never a number. Pages that show only the stored masked
    forms keep working without the key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PersonalDataKeyError):
            return None
        personal_data_log.error("Personal data cannot be decrypted on %s: %s", request.path, exception)
        response = render(request, "personal_data_key.html", status=500)
        response["Cache-Control"] = "no-store"
        return response


class RateLimitMiddleware:
    """The 429 page for a request over its rate limit, and the limits of views the portal does
    not write itself (Django's login and password reset, the admin's login).

    The portal's own views carry `portal.core.ratelimit.ratelimit` or call `hit`; both raise
    `Limited`, answered here. The login limit counts every login form sent from an address; it is
    kept apart from django-axes, which locks an account (or an address) after failed logins.
    """

    POST_LIMITS = {"login": "login", "admin:login": "login", "password_reset": "password_reset"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        group = self.POST_LIMITS.get(request.resolver_match.view_name) if request.method == "POST" else None
        if group is None:
            return None
        try:
            hit(request, group)
        except Limited as exc:
            return self.process_exception(request, exc)
        return None

    @staticmethod
    def message(group):
        count, _slash, period = settings.RATE_LIMITS[group].partition("/")
        if group == "propose" and period == "h":
            return _("Too many proposals from this connection: at most %(n)d an hour. Please try again later.") % {
                "n": int(count)
            }
        return ""

    def process_exception(self, request, exception):
        if not isinstance(exception, Limited):
            return None
        context = {"retry_minutes": -(-exception.retry_after // 60), "message": self.message(exception.group)}
        response = render(request, "429.html", context, status=429)
        response["Retry-After"] = str(exception.retry_after)
        response["Cache-Control"] = "no-store"
        return response


class DatabaseUnavailableMiddleware:
    """While the database is unreachable (a PostgreSQL restart, a failover), a 503 page in Chinese
    with `Retry-After`, not a 500. Django closes a broken connection at the end of the request and
    opens a new one for the next (`CONN_HEALTH_CHECKS`), so the portal recovers by itself.

    This catches what a view raises; `portal.views.server_error` (handler500) answers the same
    for an error raised elsewhere (a middleware saving the session).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return database_unavailable(exception)
        return None


def database_unavailable(exception=None):
    """The 503 page, rendered without the request: its context processors would ask the
    database (the user, the session) again."""
    # With its traceback: OperationalError also covers what a restart is not (a missing table,
    # a statement timeout), which the log must still show.
    logger.warning("Database unavailable: %s", exception, exc_info=exception)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class PublicGZipMiddleware(GZipMiddleware):
    """Compress the pages of anonymous visitors (a 45 KB list is 8 KB gzipped on a phone).

    BREACH needs a secret and text chosen by the attacker in the same compressed answer. A
    public page's only secret is the CSRF token, which Django masks afresh in every response,
    and Django's GZipMiddleware pads each answer with random bytes. Staff pages (personal data
    beside reflected search terms) and answers marked no-store (the sign-up's cancellation
    link) are never compressed.
    """

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "no-store" in response.get("Cache-Control", ""):
            return response
        return super().process_response(request, response)
