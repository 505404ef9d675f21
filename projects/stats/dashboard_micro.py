"""The dashboard's 民生微实事 section: the funnel of the projects proposed in the period (and a
year before), money of the budget years the period touches (budget of the 民生微实事 fund lines,
reserved, spent, execution rate), by category and by child unit, and social investment.

Attribution: a budget counts where its fund line is held; what a project reserves and spends
counts where the project is (its community). So a district's line funding a community's project
shows its budget at the district and its spending in the community: the execution rate of a
unit is what was spent under it over the budget held under it."""

from datetime import timedelta

from django.db.models import Case, Count, Q, Sum, When
from django.utils.translation import gettext_lazy as _

from grids.stats.figures import (
    Records,
    Section,
    add_up,
    counts,
    figure,
    figures_chart,
    rate_figure,
    rollup,
    unit_records,
)
from portal.core.money import MoneySum
from portal.core.periods import midnight

from ..models.funds import Expenditure, FundCategory, FundLine, SocialInvestment
from ..models.funnel import MicroFunnelTotal
from ..models.micro import MicroCategory, MicroProject, MicroStatus

STAGES = [
    ("proposed", _("Proposed"), Q()),
    ("reviewing", _("Under review"), Q(status=MicroStatus.REVIEWING)),
    # 立项 happened when an approved amount was set, whatever came after (as stats/micro.py).
    ("approved", _("Approved"), Q(approved_amount__isnull=False)),
    ("in_progress", _("In progress"), Q(status=MicroStatus.IN_PROGRESS)),
    ("accepted", _("Accepted"), Q(status=MicroStatus.ACCEPTED)),
    ("rejected", _("Not approved"), Q(status=MicroStatus.REJECTED)),
]


def micro_list_url(**query):
    """The staff list of micro-projects under a street or a community (the list filters by those)."""

    return Records.of("micro_staff_list", levels={2: "street", 3: "community"}, **query)


def proposed_between(start, end):
    # Bounds on the moment: the index on proposed_at serves them (a __date bound cannot).
    return MicroProject.objects.filter(
        proposed_at__gte=midnight(start), proposed_at__lt=midnight(end + timedelta(days=1))
    )


def _funnel(unit, period):
    """The funnel of the projects proposed in the period: its whole Shanghai years from the kept
    totals per community, year, status and category (models/funnel.py: a row per key instead of
    a year's projects), the days outside whole years (a month, a quarter, the ends of a chosen
    range) from the projects; one query each."""
    whole, edges = period.split(years=True)
    out = {}
    if whole:
        add_up(out, _kept_funnel(unit, whole[0].year, whole[1].year - 1))
    for start, end in edges:
        add_up(out, _counted_funnel(unit, start, end))
    return out


def _counted_funnel(unit, start, end):
    aggregates = {key: Count("pk", filter=condition) for key, _label, condition in STAGES}
    aggregates |= counts(MicroCategory.values, "category", "cat_")
    aggregates |= {
        # Case rather than filter=: MoneySum's SQLite template cannot take a FILTER clause.
        f"amount_{value}": MoneySum(Case(When(category=value, then="approved_amount")))
        for value in MicroCategory.values
    }
    return rollup(proposed_between(start, end), "community__path", unit, **aggregates)


def _kept_funnel(unit, first_year, last_year):
    projects = lambda condition: Sum("projects", filter=condition)  # noqa: E731
    aggregates = {key: projects(condition) for key, _label, condition in STAGES if key != "approved"}
    aggregates["approved"] = Sum("approved")  # 立项, whatever came after: counted per row already
    aggregates |= {f"cat_{value}": projects(Q(category=value)) for value in MicroCategory.values}
    aggregates |= {
        f"amount_{value}": MoneySum(Case(When(category=value, then="approved_amount")))
        for value in MicroCategory.values
    }
    totals = MicroFunnelTotal.objects.filter(year__gte=first_year, year__lte=last_year)
    return rollup(totals, "community__path", unit, **aggregates)


def _money(unit, period):
    years = range(period.start.year, period.end.year + 1)
    lines = FundLine.objects.filter(category=FundCategory.MICRO, year__in=years)
    budget = rollup(lines, "unit__path", unit, budget=MoneySum("amount"))
    funded = MicroProject.objects.filter(fund_line__category=FundCategory.MICRO, fund_line__year__in=years)
    reserved = rollup(funded, "community__path", unit, reserved=MoneySum("reserved_amount"))
    spending = Expenditure.objects.filter(
        project__fund_line__category=FundCategory.MICRO, project__fund_line__year__in=years
    )
    spent = rollup(spending, "project__community__path", unit, spent=MoneySum("amount"))
    for key in set(budget) | set(spent):
        spent.setdefault(key, {"spent": 0})
        spent[key]["budget"] = budget.get(key, {}).get("budget", 0)
    return budget, reserved, spent


def micro_dashboard(unit, period):
    funnel = _funnel(unit, period)
    earlier = _funnel(unit, period.year_before())
    budget, reserved, spent = _money(unit, period)
    invested = rollup(
        SocialInvestment.objects.filter(date__gte=period.start, date__lte=period.end),
        "project__community__path",
        unit,
        amount=MoneySum("amount"),
    )
    figures = []
    for key, label, _condition in STAGES:
        before = figure(f"micro.{key}", "", earlier, key)
        figures.append(figure(f"micro.{key}", label, funnel, key, records=micro_list_url(), compare=before))
    money = {"kind": "money", "records": micro_list_url()}
    figures += [
        figure(
            "micro.budget",
            _("Budget of the 民生微实事 fund lines"),
            budget,
            "budget",
            kind="money",
            records=unit_records("micro.budget"),
        ),
        figure("micro.reserved", _("Reserved by projects"), reserved, "reserved", **money),
        figure("micro.spent", _("Spent"), spent, "spent", **money),
        rate_figure(
            "micro.execution",
            _("Execution rate (spent ÷ budget)"),
            spent,
            "spent",
            "budget",
            records=micro_list_url(),
        ),
        figure("micro.social", _("Social investment in the period"), invested, "amount", **money),
    ]
    for value, label in MicroCategory.choices:
        figures.append(
            figure(f"micro.cat_{value}", label, funnel, f"cat_{value}", records=micro_list_url(category=value))
        )
        figures.append(
            figure(
                f"micro.amount_{value}",
                _("%(category)s: approved amount") % {"category": label},
                funnel,
                f"amount_{value}",
                kind="money",
                records=micro_list_url(category=value),
            )
        )
    section = Section("micro", _("Livelihood micro-projects"), figures)
    stages = [section.figure(f"micro.{key}") for key, _label, _c in STAGES]
    cats = [section.figure(f"micro.cat_{v}") for v in MicroCategory.values]
    money_figures = [section.figure(f"micro.{key}") for key in ("budget", "reserved", "spent", "social")]
    section.charts += [
        figures_chart(
            "micro-funnel",
            _("Projects by stage"),
            "bar",
            stages,
            _("This period"),
            before=_("Same period a year before"),
        ),
        figures_chart("micro-money", _("Money (yuan)"), "bar", money_figures, _("Yuan")),
        figures_chart("micro-category", _("Projects by category"), "pie", cats, _("Projects")),
    ]
    return section
