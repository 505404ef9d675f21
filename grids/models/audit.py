"""The audit trail: one row per create, update or delete of a domain record, and per login,
failed login, lockout, export, reveal and import (issue 16, section 4).

django-auditlog writes the rows (its signal receivers compute the field-by-field diff); this
model is its swappable LogEntry (AUDITLOG_LOGENTRY_MODEL) with the owning unit added, so the
trail is scoped like every other record: `AuditEntry.objects.visible_to(user)`. `unit_path`
keeps the unit's materialised path as it was, so the history of a record deleted since (or of a
unit deleted since) stays findable by a superuser, and `unit` (SET_NULL) is what the scope reads.
`kind` tells record changes from events (login, export ...), which carry no content type of a
domain model but the account's or the unit's.

Entries are never changed; `purge_audit --older-than DAYS` (never below 180) deletes old ones.
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from .scoped import ScopedQuerySet
from .tree import Unit

# django-auditlog names its actions with these msgids and ships no Chinese: listed here so that
# makemessages keeps them in this app's catalogue (the trail's page and export show them).
AUDITLOG_ACTIONS = (gettext_noop("create"), gettext_noop("update"), gettext_noop("delete"), gettext_noop("access"))


class AuditKind(models.TextChoices):
    CHANGE = "change", pgettext_lazy("audit", "Change")
    LOGIN = "login", pgettext_lazy("audit", "Login")
    LOGIN_FAILED = "login_failed", pgettext_lazy("audit", "Failed login")
    LOCKOUT = "lockout", pgettext_lazy("audit", "Lockout")
    LOGOUT = "logout", pgettext_lazy("audit", "Logout")
    EXPORT = "export", pgettext_lazy("audit", "Export")
    REVEAL = "reveal", pgettext_lazy("audit", "Reveal")
    IMPORT = "import", pgettext_lazy("audit", "Import")


class AuditEntryManager(LogEntryManager.from_queryset(ScopedQuerySet)):
    def log_create(self, instance, force_log=False, **kwargs):
        # auditlog calls this for every change it records: add where the record hangs.
        from ..services.audit import owning_unit

        unit = owning_unit(instance)
        kwargs.setdefault("unit_path", unit.path if unit is not None else "")
        if unit is not None and unit is instance and kwargs.get("action") == self.model.Action.DELETE:
            unit = unit.parent  # a deleted unit's entry belongs to its parent (the path stays its own)
        kwargs.setdefault("unit", unit)
        return super().log_create(instance, force_log=force_log, **kwargs)


class AuditEntry(AbstractLogEntry):
    scope_via = "unit"

    kind = models.CharField(
        pgettext_lazy("audit", "kind"),
        max_length=16,
        choices=AuditKind.choices,
        default=AuditKind.CHANGE,
        db_index=True,
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_path = models.CharField(_("unit path"), max_length=255, blank=True, db_index=True)
    actor_name = models.CharField(pgettext_lazy("audit", "by"), max_length=150, blank=True)

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = pgettext_lazy("audit", "audit entry")
        verbose_name_plural = pgettext_lazy("audit", "audit trail")
        indexes = [models.Index(fields=["content_type", "object_pk", "timestamp"], name="audit_record_time")]

    def save(self, *args, **kwargs):
        # The actor's name is kept in the row: the trail still says who after an account is gone.
        if not self.actor_name and self.actor_id:
            self.actor_name = self.actor.get_username()
        super().save(*args, **kwargs)
