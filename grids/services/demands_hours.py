"""In-service members' 实事 (issue 11): hours helping with residents' demands per year, and the
reported members below their district's yearly requirement."""

from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from ..models import DEFAULT_YEARLY_HOURS, Category, DemandHoursRule, Unit
from ..models.tree import Level


def requirements(districts):
    """[(district, yearly hours)] for `districts`, the district's own setting or the default."""
    own = DemandHoursRule.objects.filter(district__in=districts).by_district()
    return [(district, own.get(district.pk, DEFAULT_YEARLY_HOURS)) for district in districts]


def below_requirement(reports, year):
    """Reports (of in-service members on the books) whose member's 实事 hours in `year` are below
    the requirement of the district of the building group reported to, each with `.hours`
    and `.required`. The districts and their rules are read first (two small queries)."""
    reports = reports.current().filter(member__category=Category.IN_SERVICE)
    hours = Coalesce(
        Sum("member__demand_help__hours", filter=Q(member__demand_help__helped_on__year=year)),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=7, decimal_places=1),
    )
    whens = [
        When(building__path__startswith=district.path, then=Value(need))
        for district, need in requirements(list(Unit.objects.filter(level=Level.DISTRICT)))
    ]
    required = Case(
        *whens, default=Value(DEFAULT_YEARLY_HOURS), output_field=DecimalField(max_digits=5, decimal_places=1)
    )
    rows = reports.annotate(hours=hours, required=required).filter(hours__lt=F("required"))
    rows = rows.select_related("member", "member__unit", "building")
    return rows.order_by("hours", "member__name", "pk")
