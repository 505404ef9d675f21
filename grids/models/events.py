"""The shape of a record's own event log: what happened to it, when, and who did it.

The audit trail (grids.models.audit) keeps every column change for at least 180 days, but it is
purged after that and sees only saves: a bulk update (a job expiring letters) leaves no entry. The
state changes of a meeting or a transfer letter are part of the Party organisation's records (the
history of a member's 组织关系, whether a 支部党员大会 was valid), so they are kept as rows of their
own, append-only, and shown as a timeline on the record's page. The actor's name is kept as text
too, so the timeline survives a deleted account; an empty actor is the system (a scheduled job).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StateEvent(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(max_length=150, blank=True, editable=False)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @classmethod
    def build(cls, *, action, by=None, detail="", **target):
        """An unsaved event (for bulk_create); `target` names the record (meeting=..., transfer=...)."""
        name = (by.get_full_name() or by.get_username()) if by is not None else ""
        return cls(action=action, by=by, by_name=name, detail=str(detail)[:255], **target)

    @classmethod
    def log(cls, **kwargs):
        event = cls.build(**kwargs)
        event.save()
        return event

    @property
    def actor(self):
        return self.by_name or pgettext_lazy("event actor", "System")
