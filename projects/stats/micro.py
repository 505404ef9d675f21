"""Figures of 民生微实事: the /open/stats.json section, the 数据公开 page's breakdowns and the staff
funnel. Sums by the database."""

from datetime import datetime

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone

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


FUNNEL_FIGURES = (
    "proposed",
    "reviewing",
    "approved",
    "rejected",
    "in_progress",
    "accepted",
    "withdrawn",
    "approved_amount",
    "spent",
)
FIRST_CASED_YEAR = 2010


def local_year(field):
    """The Shanghai year of the datetime `field`, by comparisons with each year's first instant:
    plain SQL on every database, where SQLite's year extraction calls a Python function per row
    (the funnel's main cost at a district's data, issue 15). Extraction is kept for the years
    outside FIRST_CASED_YEAR .. next year."""
    zone = timezone.get_current_timezone()
    last = timezone.localdate().year + 1
    starts = {year: datetime(year, 1, 1, tzinfo=zone) for year in range(FIRST_CASED_YEAR, last + 2)}
    whens = [When(**{f"{field}__gte": starts[last + 1]}, then=ExtractYear(field))]
    whens += [
        When(**{f"{field}__gte": starts[year]}, then=Value(year)) for year in range(last, FIRST_CASED_YEAR - 1, -1)
    ]
    return Case(*whens, default=ExtractYear(field), output_field=IntegerField())


def funnel_rows(totals, *, by="street"):
    """One row per (year, street or community): counts of each stage and the money, from the
    kept totals (models/funnel.py; `totals`: those of the scope, and of a year if chosen).

    One query whatever the number of projects: the database adds up the statuses of each
    (year, community) with its name and its street's, at most a row per community and year of
    the scope; streets are added up here from their communities' rows. Streets and communities
    are told apart by id, never by name (two streets may share one, and a name may hold any
    character)."""
    by_status = lambda status: Sum("projects", filter=Q(status=status), default=0)  # noqa: E731
    counted = (
        totals.filter(projects__gt=0)
        .values("year", "community_id", "community__name", "community__parent_id", "community__parent__name")
        .annotate(
            proposed=Sum("projects"),
            reviewing=by_status(MicroStatus.REVIEWING),
            approved=Sum("approved"),  # 立项 happened when an amount was set, whatever came after
            rejected=by_status(MicroStatus.REJECTED),
            in_progress=by_status(MicroStatus.IN_PROGRESS),
            accepted=by_status(MicroStatus.ACCEPTED),
            withdrawn=by_status(MicroStatus.WITHDRAWN),
            approved_amount=coalesce_money(MoneySum("approved_amount")),
            spent=coalesce_money(MoneySum("spent")),
        )
        .order_by()
    )
    rows = {}
    for row in counted:
        street_id, street = row["community__parent_id"] or 0, row["community__parent__name"] or ""
        area = (street_id,) if by == "street" else (street_id, row["community_id"])
        total = rows.setdefault(
            (row["year"], *area),
            {"year": row["year"], "street": street, "name": street if by == "street" else row["community__name"]}
            | dict.fromkeys(FUNNEL_FIGURES, 0)
            | {"approved_amount": ZERO, "spent": ZERO},
        )
        for name in FUNNEL_FIGURES:
            total[name] += row[name]  # money stays Decimal
    order = lambda item: (-item[0][0], item[1]["street"], item[1]["name"], item[0][1:])  # noqa: E731
    return [total for _key, total in sorted(rows.items(), key=order)]


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
    rows = queryset.annotate(year_proposed=local_year(f"{prefix}proposed_at")).values(*keys).annotate(**aggregates)
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
