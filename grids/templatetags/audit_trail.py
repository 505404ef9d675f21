"""{% audit_history record %}: the 变更记录 section of every record's staff page (one include,
one helper: grids.services.audit.history), the entries the user may see, newest first."""

from django import template

from ..scope import MANAGE, VIEW, scope_for
from ..services import audit as audit_services

register = template.Library()

SHOWN = 50


@register.inclusion_tag("grids/audit/history.html", takes_context=True)
def audit_history(context, record):
    user = context["request"].user
    entries = audit_services.history(record)
    entries = scope_for(user).filter(entries, VIEW)
    shown = list(entries[: SHOWN + 1])
    audit_services.attach_labels(shown[:SHOWN])
    return {
        "entries": shown[:SHOWN],
        "more": len(shown) > SHOWN,
        "can_search": scope_for(user).can(MANAGE),
        "model": type(record)._meta.label_lower,
        "record_pk": record.pk,
    }
