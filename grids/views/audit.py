"""The audit trail for 管理员 (/staff/audit/): search by user, model, record, kind and dates, in
their scope (superusers: everything), and download what the search finds."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core import params
from portal.core.exports import rows_to_xlsx

from ..models import AuditEntry, AuditKind
from ..scope import MANAGE, scope_for
from ..services import audit as audit_services

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


@require_safe
@login_required
def audit_list(request):
    scope = scope_for(request.user)
    if not scope.can(MANAGE):
        raise PermissionDenied(_("Only administrators search the audit trail."))
    models = audit_services.model_choices()
    search = {
        "user": params.text(request.GET, "user", max_length=150, label=_("User")),
        "model": params.choice(request.GET, "model", [value for value, _label in models], label=_("Kind of record")),
        "record": params.text(request.GET, "record", max_length=40, label=_("Record")),
        "kind": params.choice(request.GET, "kind", AuditKind.choices, label=_("Event")),
        "start": params.date(request.GET, "start", label=_("From")),
        "end": params.date(request.GET, "end", label=_("To")),
    }
    entries = audit_services.search(AuditEntry.objects.visible_to(request.user, MANAGE), **search)
    if params.choice(request.GET, "export", ["xlsx"]) == "xlsx":
        return rows_to_xlsx("audit-trail.xlsx", _("Audit trail"), audit_services.export_rows(entries[:EXPORT_LIMIT]))
    page = Paginator(entries, PAGE_SIZE).get_page(params.page(request.GET))
    audit_services.attach_labels(page.object_list)
    context = {"page": page, "search": search, "models": models, "kinds": AuditKind.choices}
    return render(request, "grids/audit/list.html", context)
