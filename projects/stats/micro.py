"""Figures of 民生微实事: the /open/stats.json section, the 数据公开 page's breakdowns and the staff
funnel. Sums by the database."""

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from grids.models import Level, Unit
from portal.core.money import ZERO, MoneySum, coalesce_money, yuan
from portal.core.queries import count_many

from ..models.funds import Expenditure, SocialInvestment
from ..models.micro import MicroCategory, MicroProject, MicroStatus


def _totals(projects):
    """Counts and money of a set of projects, in two queries whatever its size."""
    figures = projects.aggregate(
        proposed=Count("pk"),
        reviewing=Count("pk", filter=Q(status=MicroStatus.REVIEWING)),
        # 立项 happened when an approved amount was set, whatever came after.
        approved=Count("pk", filter=Q(approved_amount__isnull=False)),
        in_progress=Count("pk", filter=Q(status=MicroStatus.IN_PROGRESS)),
        accepted=Count("pk", filter=Q(status=MicroStatus.ACCEPTED)),
        rejected=Count("pk", filter=Q(status=MicroStatus.REJECTED)),
        approved_amount=coalesce_money(MoneySum("approved_amount")),
    )
    money = {
        "spent": (Expenditure.objects.filter(project__in=projects), "amount"),
        "social_investment": (SocialInvestment.objects.filter(project__in=projects), "amount"),
    }
    return figures | count_many({}, sums=money)


def micro_section(unit=None, year=None, **params):
    projects = MicroProject.objects.under(unit)
    if year:
        projects = projects.proposed_in(year)
    figures = _totals(projects)
    for key in ("approved_amount", "spent", "social_investment"):
        figures[key] = yuan(figures[key])
    return figures


def funnel_rows(projects, *, by="street"):
    """One row per (year, street or community): counts of each stage and the money."""
    key = "community__parent__name" if by == "street" else "community__name"
    keys = ["year", key] if by == "street" else ["year", "community__parent__name", key]
    counted = (
        projects.annotate(year=ExtractYear("proposed_at"))
        .values(*keys)
        .annotate(
            proposed=Count("pk"),
            reviewing=Count("pk", filter=Q(status=MicroStatus.REVIEWING)),
            approved=Count("pk", filter=Q(approved_amount__isnull=False)),
            rejected=Count("pk", filter=Q(status=MicroStatus.REJECTED)),
            in_progress=Count("pk", filter=Q(status=MicroStatus.IN_PROGRESS)),
            accepted=Count("pk", filter=Q(status=MicroStatus.ACCEPTED)),
            withdrawn=Count("pk", filter=Q(status=MicroStatus.WITHDRAWN)),
            approved_amount=coalesce_money(MoneySum("approved_amount")),
        )
        .order_by("-year", *keys[1:])
    )
    spent_key = f"project__{key}"
    spent_keys = ["year", spent_key] if by == "street" else ["year", "project__community__parent__name", spent_key]
    spent = (
        Expenditure.objects.filter(project__in=projects)
        .annotate(year=ExtractYear("project__proposed_at"))
        .values(*spent_keys)
        .annotate(t=coalesce_money(MoneySum("amount")))
        .order_by()
    )
    spent_by = {tuple(row[k] for k in spent_keys): row["t"] for row in spent}
    rows = []
    for row in counted:
        row["name"] = row[key]
        row["street"] = row.get("community__parent__name", "")
        row["spent"] = spent_by.get(tuple(row[k] for k in keys), ZERO)  # money stays Decimal for the export
        rows.append(row)
    return rows


STAGE_COUNTS = {
    "proposed": Q(),
    "reviewing": Q(status=MicroStatus.REVIEWING),
    "approved": Q(approved_amount__isnull=False),  # 立项, whatever came after (as _totals)
    "in_progress": Q(status=MicroStatus.IN_PROGRESS),
    "accepted": Q(status=MicroStatus.ACCEPTED),
    "rejected": Q(status=MicroStatus.REJECTED),
}
MONEY_KEYS = ("approved_amount", "spent", "social_investment")


def _grouped(queryset, prefix, **aggregates):
    """{(street id, year proposed, category): {name: value}} in one GROUP BY."""
    keys = (f"{prefix}community__parent_id", "year_proposed", f"{prefix}category")
    rows = queryset.annotate(year_proposed=ExtractYear(f"{prefix}proposed_at")).values(*keys).annotate(**aggregates)
    return {tuple(row[k] for k in keys): row for row in rows.order_by()}


def micro_breakdown(unit=None, year=None, **params):
    """The 数据公开 page's breakdowns of 民生微实事: the stages and money of the projects proposed
    in `year` (or in any year) in all, by street and by category, and of every year by year
    proposed; four queries whatever the data size (the streets, then the projects, spending and
    social investment grouped by street, year and category). Names of streets only, no person."""
    projects = MicroProject.objects.under(unit)
    streets = Unit.objects.filter(level=Level.STREET).order_by("name", "pk")
    if unit is not None:
        streets = streets.filter(path__startswith=unit.path)
    aggregates = {key: Count("pk", filter=condition) for key, condition in STAGE_COUNTS.items()}
    groups = _grouped(projects, "", **aggregates, approved_amount=MoneySum("approved_amount"))
    spent = _grouped(Expenditure.objects.filter(project__in=projects), "project__", spent=MoneySum("amount"))
    social = _grouped(
        SocialInvestment.objects.filter(project__in=projects), "project__", social_investment=MoneySum("amount")
    )
    cells = {}
    for source in (groups, spent, social):
        for key, row in source.items():
            cell = cells.setdefault(key, dict.fromkeys([*STAGE_COUNTS, *MONEY_KEYS], 0))
            for name in cell:
                cell[name] += row.get(name) or 0

    def total(match):
        figures = dict.fromkeys([*STAGE_COUNTS, *MONEY_KEYS], 0)
        for key, cell in cells.items():
            if match(*key):
                for name in figures:
                    figures[name] += cell[name]
        return figures | {name: yuan(figures[name]) for name in MONEY_KEYS}

    chosen = lambda y: year is None or y == year  # noqa: E731
    years = sorted({y for _street, y, _category in cells})
    return {
        "total": total(lambda street, y, category: chosen(y)),
        "by_street": [
            {"id": s.pk, "name": s.name} | total(lambda street, y, category, pk=s.pk: street == pk and chosen(y))
            for s in streets.only("pk", "name")
        ],
        "by_category": {
            value: total(lambda street, y, category, value=value: category == value and chosen(y))
            for value in MicroCategory.values
        },
        "by_year": {str(y): total(lambda street, y2, category, y=y: y2 == y) for y in years},
    }
