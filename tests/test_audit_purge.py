"""purge_audit: the only way audit entries go, never younger than 180 days, in batches."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from grids.models import AuditEntry, AuditKind, Member
from grids.services import audit


def _aged(days, n=1):
    entries = [audit.record(AuditKind.EXPORT, model=Member, text=f"{days}天前") for _ in range(n)]
    AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).update(timestamp=timezone.now() - timedelta(days=days))
    return entries


def _axes(days):
    at = timezone.now() - timedelta(days=days)
    log = AccessLog.objects.create(username="huafu", ip_address="10.0.0.1", user_agent="t", attempt_time=at)
    failure = AccessFailureLog.objects.create(
        username="huafu", ip_address="10.0.0.1", user_agent="t", attempt_time=at, locked_out=False
    )
    AccessLog.objects.filter(pk=log.pk).update(attempt_time=at)
    AccessFailureLog.objects.filter(pk=failure.pk).update(attempt_time=at)


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, 30, 179, -5])
def test_refuses_less_than_180_days(days):
    _aged(400)
    with pytest.raises(CommandError, match="at least 180"):
        call_command("purge_audit", "--older-than", str(days))
    assert AuditEntry.objects.filter(kind=AuditKind.EXPORT).count() == 1


@pytest.mark.django_db
def test_purges_in_batches_only_what_is_older_including_axes_logs():
    _aged(400, n=5)
    kept = _aged(179, n=2) + _aged(10)
    _axes(400)
    _axes(20)
    out = StringIO()
    call_command("purge_audit", "--older-than", "180", "--dry-run", stdout=out)
    assert "grids.AuditEntry: 5 would be deleted" in out.getvalue()
    assert AuditEntry.objects.filter(kind=AuditKind.EXPORT).count() == 8
    out = StringIO()
    call_command("purge_audit", "--older-than", "180", "--batch-size", "2", stdout=out)
    assert "grids.AuditEntry: 5 deleted" in out.getvalue()
    assert set(AuditEntry.objects.filter(kind=AuditKind.EXPORT).values_list("pk", flat=True)) == {e.pk for e in kept}
    assert AccessLog.objects.count() == 1 and AccessFailureLog.objects.count() == 1
    # Deleting entries writes no new ones.
    assert not AuditEntry.objects.exclude(kind=AuditKind.EXPORT).filter(action=AuditEntry.Action.DELETE).exists()


def test_entries_are_read_only_in_the_admin():
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEntry]
    request = type("R", (), {"user": None})()
    assert not model_admin.has_delete_permission(request) and not model_admin.has_change_permission(request)
