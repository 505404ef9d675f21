"""Figures of 民生微实事: the /open/stats.json section and the staff funnel. Sums by the database."""

from datetime import datetime

from django.db.models import Case, CharField, Count, IntegerField, Q, Value, When
from django.db.models.functions import Concat, ExtractYear
from django.utils import timezone

from grids.models import Unit
from portal.core.money import ZERO, MoneySum, coalesce_money, yuan

from ..models.funds import Expenditure, SocialInvestment
from ..models.micro import MicroProject, MicroStatus


def _totals(projects):
    """Counts and money of a set of projects, in three queries whatever its size."""
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
    figures["spent"] = Expenditure.objects.filter(project__in=projects).aggregate(t=coalesce_money(MoneySum("amount")))[
        "t"
    ]
    figures["social_investment"] = SocialInvestment.objects.filter(project__in=projects).aggregate(
        t=coalesce_money(MoneySum("amount"))
    )["t"]
    return figures


def micro_section(unit=None, year=None, **params):
    projects = MicroProject.objects.under(unit)
    if year:
        projects = projects.proposed_in(year)
    figures = _totals(projects)
    for key in ("approved_amount", "spent", "social_investment"):
        figures[key] = yuan(figures[key])
    return figures


COUNTS = {
    "proposed": None,
    "reviewing": Q(status=MicroStatus.REVIEWING),
    "approved": Q(approved_amount__isnull=False),  # 立项 happened when an amount was set
    "rejected": Q(status=MicroStatus.REJECTED),
    "in_progress": Q(status=MicroStatus.IN_PROGRESS),
    "accepted": Q(status=MicroStatus.ACCEPTED),
    "withdrawn": Q(status=MicroStatus.WITHDRAWN),
}
FIRST_CASED_YEAR = 2010


def _year_of(field):
    """The local year of `field` by comparisons with each year's first instant (native SQL,
    indexable), the extraction only for years before FIRST_CASED_YEAR: SQLite's year extraction
    is a Python function called per row, the funnel's main cost at a district's data (issue 15)."""
    zone = timezone.get_current_timezone()
    last = timezone.localdate().year + 1
    whens = [
        When(**{f"{field}__gte": datetime(year, 1, 1, tzinfo=zone)}, then=Value(year))
        for year in range(last, FIRST_CASED_YEAR - 1, -1)
    ]
    return Case(*whens, default=ExtractYear(field), output_field=IntegerField())


def funnel_rows(projects, *, by="street"):
    """One row per (year, street or community): counts of each stage and the money.

    Bounded work whatever the number of projects: the database groups by (year, community id)
    without joining (one row per community and year comes back), the spending likewise, and the
    names of those communities and their streets come in one query; streets are summed here."""
    counted = (
        projects.annotate(year=_year_of("proposed_at"))
        .values("year", "community_id")
        .annotate(
            **{name: Count("pk", filter=q) if q is not None else Count("pk") for name, q in COUNTS.items()},
            approved_amount=coalesce_money(MoneySum("approved_amount")),
        )
        .order_by()
    )
    spent = (
        Expenditure.objects.filter(project__in=projects)
        .annotate(year=_year_of("project__proposed_at"))
        .values("year", "project__community_id")
        .annotate(t=coalesce_money(MoneySum("amount")))
        .order_by()
    )
    spent_by = {(row["year"], row["project__community_id"]): row["t"] for row in spent}
    counted = list(counted)
    names = dict(
        Unit.objects.filter(pk__in={row["community_id"] for row in counted}).values_list(
            "pk", Concat("parent__name", Value("\t"), "name", output_field=CharField())
        )
    )
    rows = {}
    for row in counted:
        street, _tab, community = (names.get(row["community_id"]) or "\t").partition("\t")
        key = (row["year"], street) if by == "street" else (row["year"], street, community)
        total = rows.setdefault(
            key,
            {"year": row["year"], "street": street, "name": key[-1], "spent": ZERO}
            | {name: 0 for name in COUNTS}
            | {"approved_amount": ZERO},
        )
        for name in [*COUNTS, "approved_amount"]:
            total[name] += row[name]
        total["spent"] += spent_by.get((row["year"], row["community_id"]), ZERO)  # Decimal for the export
    return [rows[key] for key in sorted(rows, key=lambda k: (-k[0], *k[1:]))]
