"""Staff pages of residents' demands (/staff/demands/...): the queue of one's scope with
deadline countdowns and filters, and a demand's page with its timeline. Every query goes
through grids.scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from portal.core import params
from portal.core.maps import map_config, point

from ..models import Demand, DemandSource, DemandStatus, Level
from ..scope import EDIT, VIEW, scope_for
from ..services import demands_rates as rates
from ..services import workdays
from ..services.demands_bulk import BulkAction
from ..services.tree import attach_full_names
from . import demands_actions as actions

PAGE_SIZE = 50
QUEUE_VIEWS = [
    ("", gettext_lazy("All open")),
    ("pending", gettext_lazy("Awaiting acceptance")),
    ("overdue", gettext_lazy("Overdue")),
    ("today", gettext_lazy("Due today")),
    ("done", gettext_lazy("Handled and closed")),
]


def filter_queue(request, qs):
    chosen = {
        "view": params.choice(request.GET, "view", [key for key, _label in QUEUE_VIEWS], label=_("view")),
        "category": params.pk(request.GET, "category", label=_("category")),
        "unit": params.pk(request.GET, "unit", label=_("unit")),
        "source": params.choice(request.GET, "source", DemandSource.values, label=_("source")),
    }
    now = timezone.now()
    today = workdays.local_date(now)
    view = chosen["view"]
    if view == "pending":
        qs = qs.filter(status=DemandStatus.PENDING)
    elif view == "overdue":
        qs = qs.response_overdue(now) | qs.handling_overdue(today)
    elif view == "today":
        qs = qs.open().filter(handling_due=today) | qs.filter(status=DemandStatus.PENDING, response_due__date=today)
    elif view == "done":
        qs = qs.filter(status__in=(DemandStatus.HANDLED, DemandStatus.CLOSED))
    else:
        qs = qs.open()
    if chosen["category"]:
        qs = qs.filter(category_id=chosen["category"])
    if chosen["source"]:
        qs = qs.filter(source=chosen["source"])
    if chosen["unit"]:
        unit = scope_for(request.user).units(VIEW).filter(pk=chosen["unit"]).first()
        qs = qs.under(unit) if unit else qs.none()
    return qs, chosen


@require_safe
@login_required
def queue(request):
    scope = scope_for(request.user)
    if not scope:
        raise PermissionDenied(_("You are not assigned to any unit."))
    qs, chosen = filter_queue(request, Demand.objects.visible_to(request.user).for_listing())
    page = Paginator(qs.order_by("response_due", "pk"), PAGE_SIZE).get_page(params.page(request.GET))
    now = timezone.now()
    for demand in page.object_list:
        demand.clock = rates.clock(demand, now)
    context = {
        "page": page,
        "chosen": chosen,
        "views": QUEUE_VIEWS,
        "sources": DemandSource.choices,
        "categories": rates.categories_in(scope),
        # The grid drop-down: the communities and grids of the scope, in tree order.
        "units": scope.units(VIEW)
        .filter(level__in=(Level.COMMUNITY, Level.GRID))
        .select_related("parent")
        .order_by("path"),
        "can_edit": scope.can(EDIT),
        "bulk_actions": BulkAction.choices,
    }
    return render(request, "grids/demands/queue.html", context)


@require_safe
@login_required
def detail(request, demand_pk):
    demand = scope_for(request.user).get_object_or_404(Demand.objects.for_listing(), need=VIEW, pk=demand_pk)
    return render_detail(request, demand)


def render_detail(request, demand, bound=None, status=200):
    scope = scope_for(request.user)
    attach_full_names([demand.unit])
    can_edit = scope.allows(demand.unit, EDIT)
    if bound and bound[0] not in actions.offered(demand):
        for error in bound[1].non_field_errors():
            messages.error(request, error)
    steps = []
    if can_edit:
        for step in actions.offered(demand):
            form = bound[1] if bound and bound[0] == step else actions.make_form(step, demand, request.user)
            steps.append((step, actions.STEPS[step][1], form))
    context = {
        "actions": steps,
        "open_step": bound[0] if bound else "",
        "demand": demand,
        "clock": rates.clock(demand),
        "steps": demand.transitions.select_related("actor", "from_unit", "to_unit"),
        "helpers": demand.helpers.select_related("member"),
        "photos": demand.photos.all(),
        "can_edit": can_edit,
        # The exact place, for staff only (the public board rounds it).
        "map": map_config([point(demand.latitude, demand.longitude, demand.code, demand.category.name)])
        if demand.latitude is not None
        else None,
    }
    return render(request, "grids/demands/staff_detail.html", context, status=status)
