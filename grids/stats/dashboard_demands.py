"""The dashboard's residents' demands section (诉求, issue 11): demands received in the period (and
a year before), the three rates of grids/services/demands_rates.py (响应率, 解决率, 满意率) counted
by the database for each child unit with the same rules, the demands open and overdue now, the
volume per month over twelve months, and the demands of the period by category.

A demand counts where it is handled now (its unit: a grid after routing, a street or the
district after an escalation), as on the rates page. Merged demands are not counted (their
resident is counted once, in the demand they were merged into)."""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Demand, DemandCategory, DemandStatus, Satisfaction
from ..services import demands_rates, workdays
from .figures import Chart, Records, Section, figure, figures_chart, rate_figure, rollup

# The rules of demands_rates.rates(), as conditions on a row.
ANSWERED = Q(accepted_at__isnull=False) | Q(status=DemandStatus.REJECTED, closed_at__isnull=False)
ANSWERED_IN_TIME = Q(accepted_at__lte=F("response_due")) | Q(
    accepted_at__isnull=True, status=DemandStatus.REJECTED, closed_at__lte=F("response_due")
)
HANDLED = Q(first_handled_at__isnull=False)
HANDLED_IN_TIME = HANDLED & Q(handled_in_time=True)
VISITED = ~Q(satisfaction="")
SATISFIED = Q(satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.FAIRLY))


def counted():
    return Demand.objects.exclude(status=DemandStatus.MERGED)


def received_between(start, end):
    return demands_rates.in_period(counted(), start, end)


def overdue_now(now=None):
    """Open demands past their response limit, or past their handling deadline (as the queue's
    "overdue" view)."""
    now = now or timezone.now()
    today = workdays.local_date(now)
    return Q(status=DemandStatus.PENDING, response_due__lt=now) | Q(
        status__in=(DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS), handling_due__lt=today
    )


def district_categories(unit):
    district = int(unit.path.strip("/").split("/")[0])
    return list(DemandCategory.objects.filter(district_id=district).order_by("position", "pk"))


def _period(unit, period, categories):
    aggregates = {
        "received": Count("pk"),
        "answered": Count("pk", filter=ANSWERED),
        "answered_in_time": Count("pk", filter=ANSWERED_IN_TIME),
        "handled": Count("pk", filter=HANDLED),
        "handled_in_time": Count("pk", filter=HANDLED_IN_TIME),
        "visited": Count("pk", filter=VISITED),
        "satisfied": Count("pk", filter=SATISFIED),
    }
    aggregates |= {f"cat_{c.pk}": Count("pk", filter=Q(category_id=c.pk)) for c in categories}
    return rollup(received_between(period.start, period.end), "unit__path", unit, **aggregates)


def _monthly(unit, period):
    months = period.months()
    demands = received_between(months[0], period.end).filter(unit__path__startswith=unit.path)
    rows = (
        demands.annotate(month=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_month = {}
    for row in rows:
        month = row["month"]
        by_month[month.date() if isinstance(month, datetime.datetime) else month] = row["n"]
    return months, [by_month.get(month, 0) for month in months]


def demands_dashboard(unit, period):
    categories = district_categories(unit)
    rows = _period(unit, period, categories)
    before = figure("demands.received", "", _period(unit, period.year_before(), []), "received")
    now = rollup(counted().filter(status__in=(DemandStatus.PENDING, DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS)),
                 "unit__path", unit, open=Count("pk"), overdue=Count("pk", filter=overdue_now()))  # fmt: skip
    rates = Records.of("demand_rates", unit="unit")
    queue = Records.of("demand_queue", unit="unit")
    figures = [
        figure("demands.received", _("Demands received"), rows, "received", records=rates, compare=before),
        rate_figure("demands.responded", _("Response rate"), rows, "answered_in_time", "answered", records=rates),
        rate_figure("demands.solved", _("Solution rate"), rows, "handled_in_time", "handled", records=rates),
        rate_figure("demands.satisfied", _("Satisfaction rate"), rows, "satisfied", "visited", records=rates),
        figure("demands.handled", _("Demands handled"), rows, "handled", records=rates),
        figure("demands.open", _("Open demands now"), now, "open", records=queue),
        figure(
            "demands.overdue",
            _("Open demands overdue now"),
            now,
            "overdue",
            records=Records.of("demand_queue", unit="unit", view="overdue"),
        ),
    ]
    figures += [
        figure(f"demands.cat_{c.pk}", c.name, rows, f"cat_{c.pk}", records=Records.of("demand_queue", unit="unit", category=c.pk))
        for c in categories
    ]  # fmt: skip
    section = Section("demands", _("Residents' demands"), figures)
    months, monthly = _monthly(unit, period)
    rate_figures = [section.figure(f"demands.{key}") for key in ("responded", "solved", "satisfied")]
    section.charts += [
        Chart(
            "demands-months",
            _("Demands received per month, last twelve months"),
            "line",
            [f"{m:%Y-%m}" for m in months],
            [(_("Demands"), monthly)],
        ),
        figures_chart("demands-rates", _("The three rates (%)"), "bar", rate_figures, _("Rate (%)")),
        figures_chart(
            "demands-category",
            _("Demands by category"),
            "bar",
            [section.figure(f"demands.cat_{c.pk}") for c in categories],
            _("Demands"),
        ),
    ]
    return section
