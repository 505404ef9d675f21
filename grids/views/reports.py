"""Kept reports (issue 12): the monthly and yearly workbooks the scheduled job wrote for the
district and every street, listed and downloaded within one's scope."""

import os

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core import params
from portal.core.exports import xlsx_response

from ..models import UnitReport
from ..scope import VIEW, scope_for


@require_safe
@login_required
def report_list(request):
    if not scope_for(request.user).can(VIEW):
        raise PermissionDenied(_("You have no part of the tree assigned."))
    reports = UnitReport.objects.visible_to(request.user).select_related("unit")
    page = Paginator(reports, 50).get_page(params.page(request.GET))
    return render(request, "grids/reports/list.html", {"page": page})


@require_safe
@login_required
def report_download(request, report_pk):
    report = scope_for(request.user).get_object_or_404(UnitReport.objects.all(), pk=report_pk)
    try:
        with report.workbook.open("rb") as stored:
            content = stored.read()
    except (FileNotFoundError, ValueError):
        raise Http404(_("This report's file is missing.")) from None
    return xlsx_response(os.path.basename(report.workbook.name), content)
