"""In-service members' 实事 (issue 11): the reported members of one's scope whose hours helping
with residents' demands this year are below their district's yearly requirement."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.core import params

from ..models import Report
from ..scope import VIEW, scope_for
from ..services import demands_hours

PAGE_SIZE = 50


@require_safe
@login_required
def hours_below(request):
    scope = scope_for(request.user)
    if not scope:
        raise PermissionDenied(_("You are not assigned to any unit."))
    year = params.year(request.GET, default=timezone.localdate().year)
    rows = demands_hours.below_requirement(scope.filter(Report.objects.all(), VIEW), year)
    page = Paginator(rows, PAGE_SIZE).get_page(params.page(request.GET))
    return render(request, "grids/demands/hours_below.html", {"page": page, "year": year})
