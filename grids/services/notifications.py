"""In-app notifications: the one way any topic tells staff something.

    notify(users, title=..., url=..., unit=..., kind=...)

writes one Notification per distinct active user (the bell counts them), and sends an email
too where mail is configured (settings.NOTIFY_BY_EMAIL and the user has an address). Workflows
call it inside their transaction, so a rolled-back step notifies nobody.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from ..models import Assignment, Notification, Role

log = logging.getLogger(__name__)


def notify(users, *, title, url="", unit=None, kind=""):
    """Notify each of `users` (users or ids; duplicates and inactive accounts skipped)."""
    ids = {getattr(user, "pk", user) for user in users if user is not None}
    recipients = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    rows = [Notification(user=user, unit=unit, kind=kind[:30], title=title[:200], url=url[:300]) for user in recipients]
    Notification.objects.bulk_create(rows)
    if settings.NOTIFY_BY_EMAIL:
        addresses = [user.email for user in recipients if user.email]
        if addresses:
            transaction.on_commit(lambda: _mail(title, url, addresses))
    return rows


def _mail(title, url, addresses):
    # One mail per person: staff of a unit do not see each other's addresses.
    body = f"{title}\n\n{settings.PORTAL_URL}{url}" if url else title
    try:
        send_mass_mail([(title, body, None, [address]) for address in addresses], fail_silently=False)
    except OSError:
        # Mail is an extra: the in-app notification is already there.
        log.warning("notification mail not sent to %d addresses", len(addresses))


def staff_of(unit, roles=(Role.ADMIN, Role.STAFF)):
    """The users assigned to `unit` itself with one of `roles` (those who act on its queue)."""
    if unit is None:
        return []
    return list(
        Assignment.objects.filter(unit=unit, role__in=roles, user__is_active=True).values_list("user_id", flat=True)
    )


def unread_count(user):
    return Notification.objects.filter(user=user).unread().count()


def mark_read(user, pks=None):
    """Mark the user's notifications read (all of them, or those in `pks`)."""
    qs = Notification.objects.filter(user=user).unread()
    if pks is not None:
        qs = qs.filter(pk__in=pks)
    return qs.update(read_at=timezone.now())


def notify_once(users, *, title, url, unit, kind):
    """notify() unless a notification of this kind, unit and url was already sent: scheduled
    reminders key each subject by its url, so a job run again reminds nobody twice."""
    if Notification.objects.filter(kind=kind[:30], unit=unit, url=url[:300]).exists():
        return []
    return notify(users, title=title, url=url, unit=unit, kind=kind)
