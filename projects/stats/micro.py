"""Figures of 民生微实事: the /open/stats.json section and the staff funnel. Sums by the database."""

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

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
