"""The audit trail for 管理员 (/staff/audit/): search by user, model, record, kind and dates, in
their scope (superusers: everything), and download what the search finds."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core import params
from portal.core.exports import rows_to_xlsx
from portal.core.queries import more_than

from ..models import AuditEntry, AuditKind
from ..scope import MANAGE, scope_for
from ..services import audit as audit_services
from ..services.audit_export_job import AUDIT_EXPORT, EXPORT_LIMIT
from ..services.exports_job import job_rows, start_export

PAGE_SIZE = 50


@require_safe
@login_required
def audit_list(request):
    scope = scope_for(request.user)
    if not scope.can(MANAGE):
        raise PermissionDenied(_("Only administrators search the audit trail."))
    models = audit_services.model_choices()
    search = audit_services.search_params(request.GET)
    entries = audit_services.search(AuditEntry.objects.visible_to(request.user, MANAGE), **search)
    if params.choice(request.GET, "export", ["xlsx"]) == "xlsx":
        if more_than(entries, job_rows()):
            query = request.GET.copy()
            query.pop("export", None)
            unit = scope.roots(MANAGE)[0]
            job = start_export(
                AUDIT_EXPORT,
                user=request.user,
                unit=unit,
                title=_("Audit trail export"),
                query=query.urlencode(),
                need=MANAGE,
                only_starter=True,
            )
            return redirect("job_detail", job.pk)
        return rows_to_xlsx("audit-trail.xlsx", _("Audit trail"), audit_services.export_rows(entries[:EXPORT_LIMIT]))
    page = Paginator(entries, PAGE_SIZE).get_page(params.page(request.GET))
    audit_services.attach_labels(page.object_list)
    context = {"page": page, "search": search, "models": models, "kinds": AuditKind.choices}
    return render(request, "grids/audit/list.html", context)
