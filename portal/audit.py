"""The audit trail's wiring on top of the apps (issue 16, section 4).

- `AuditMiddleware`: django-auditlog's middleware with the portal's client address (behind a
  proxy, the X-Forwarded-For entry our own proxies added: `TRUSTED_PROXY_HOPS`, 1 when
  `BEHIND_PROXY` is set; without a proxy the header is ignored, anyone can send it) and the
  actor's name, so every change made during a request carries who and from where.
- `register()`: every model of grids, centers and projects, and the accounts, tracked by auditlog
  (grids.services.audit.register_models), except the trail's own table and those in EXEMPT.
- Receivers that read django-axes' logs into the trail (sign-ins from AccessLog, failures and
  refusals while locked from AccessFailureLog, lockouts from its signal), record every logout
  (the account's own, or a session ended by the idle or absolute timeout), and mark downloads
  (any response written by portal.core.exports) as export events.
"""

from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.apps import apps
from django.contrib.auth import get_user_model

from grids.models.audit import AuditKind
from grids.services import audit
from portal.core.ratelimit import client_ip

# Models of the domain apps that are not tracked, and why.
EXEMPT = {
    "grids.AuditEntry": "the trail itself: entries are never changed, only purged by age",
    "grids.Job": "a background job's own state and progress (saved many times a run); what a job does is "
    "in the trail: the records it writes are tracked, an import is an event",
    "grids.UnitTally": "figures recomputed by a job from records that are tracked (grids/services/tallies.py)",
    "grids.UnitCount": "counts recomputed from tracked records in the transaction of their write "
    "(grids/services/unit_counts.py)",
    "grids.Notification": "a message to one user and its read mark; the steps it announces are in the trail",
}
TRACKED_APPS = ("grids", "centers", "projects")


def tracked_models():
    models = [get_user_model(), apps.get_model("auth", "Group")]
    for label in TRACKED_APPS:
        models += [m for m in apps.get_app_config(label).get_models() if m._meta.label not in EXEMPT]
    return models


def register():
    audit.register_models(tracked_models())


class AuditMiddleware(AuditlogMiddleware):
    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None

    def get_extra_data(self, request):
        data = super().get_extra_data(request)
        # Read when an entry is written (auditlog calls it), from the request as it is then: a
        # login replaces request.user, so the user read before the view would name nobody.
        data["actor_name"] = lambda: _username(getattr(request, "user", None))
        return data

    def __call__(self, request):
        try:
            response = super().__call__(request)
        finally:
            # auditlog leaves its context (actor, address) set after the request: cleared, so
            # nothing done outside a request later in this thread is attributed to this one.
            auditlog_value.set({})
        if getattr(response, "portal_export", False):
            _record_export(request, response)
        return response


def _username(user):
    return user.get_username() if user is not None and user.is_authenticated else ""


def _record_export(request, response):
    user = request.user if request.user.is_authenticated else None
    unit = audit.owning_unit(user) if user is not None else None
    audit.record(
        AuditKind.EXPORT,
        model=get_user_model(),
        pk=user.pk if user else "",
        text=request.get_full_path()[:500],
        unit=unit,
        actor=user,
        address=client_ip(request),
        data={"path": request.path, "query": request.GET.urlencode()[:1000], "file": str(response.portal_export)[:300]},
    )


def on_access_log(sender, instance, created, **kwargs):
    """A sign-in logged by axes."""
    if created:
        _login_event(AuditKind.LOGIN, instance.username, instance.ip_address, {"user_agent": instance.user_agent[:200]})


def on_failure_log(sender, instance, created, **kwargs):
    """A failed login logged by axes (locked_out: refused while the lock held)."""
    if created:
        kind = AuditKind.LOCKOUT if instance.locked_out else AuditKind.LOGIN_FAILED
        _login_event(kind, instance.username, instance.ip_address, {"user_agent": (instance.user_agent or "")[:200]})


def _login_event(kind, username, address, data):
    User = get_user_model()
    account = User._default_manager.filter(**{User.USERNAME_FIELD: username or ""}).first()
    audit.record(
        kind,
        model=User,
        pk=account.pk if account else "",
        text=(username or "")[:150],
        unit=audit.owning_unit(account),
        actor=account if kind == AuditKind.LOGIN else None,
        address=address,
        data=data,
    )


def on_logout(sender, request, user, **kwargs):
    """A logout (Django's user_logged_out): by the account itself or a session the portal ended."""
    if user is None:  # no one was signed in
        return
    audit.record(
        AuditKind.LOGOUT,
        model=get_user_model(),
        pk=user.pk,
        text=user.get_username()[:150],
        unit=audit.owning_unit(user),
        actor=user,
        address=client_ip(request) if request is not None and request.META.get("REMOTE_ADDR") else None,
        data={"path": request.path[:200]} if request is not None and request.path else None,
    )


def connect():
    from axes.models import AccessFailureLog, AccessLog
    from django.contrib.auth.signals import user_logged_out
    from django.db.models.signals import post_save

    register()
    user_logged_out.connect(on_logout, dispatch_uid="portal.audit.logout")
    post_save.connect(on_access_log, sender=AccessLog, dispatch_uid="portal.audit.access_log")
    post_save.connect(on_failure_log, sender=AccessFailureLog, dispatch_uid="portal.audit.failure_log")
