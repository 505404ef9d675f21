"""Query helpers shared by the volunteering models (service, volunteers, activities): hour
totals and counts as correlated subqueries, and whether a linked center has a public page."""

from decimal import Decimal

from django.db import models
from django.db.models import Count, DecimalField, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from centers.models import Status as CenterStatus

HOURS = DecimalField(max_digits=10, decimal_places=2)
ZERO_HOURS = Value(Decimal("0.00"), output_field=HOURS)


def center_has_public_page(center):
    """Whether /centers/<id>/ shows this center (as CenterQuerySet.public(): not one in preparation)."""
    return center is not None and center.status != CenterStatus.PREPARING


def sum_hours(records):
    """A correlated subquery summing hours: no join fan-out when several totals are annotated."""
    total = records.order_by().annotate(_one=Value(1)).values("_one").annotate(total=Sum("hours")).values("total")
    return Coalesce(Subquery(total[:1], output_field=HOURS), ZERO_HOURS)


def count_rows(rows):
    """A correlated subquery counting rows. A Count() join next to a subquery sum would make
    PostgreSQL group by the subquery and run it once per joined row (minutes at 100k records)."""
    counts = rows.order_by().annotate(_one=Value(1)).values("_one").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts[:1], output_field=models.IntegerField()), 0)
