"""A district's yearly requirement of 实事 hours for in-service members who reported to a
community (issue 11): their hours helping with residents' demands are counted against it."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoped import ScopedQuerySet
from .tree import Level, Unit

DEFAULT_YEARLY_HOURS = Decimal("12")


class DemandHoursRuleQuerySet(ScopedQuerySet):
    def by_district(self):
        """{district id: yearly hours} of the districts that set their own."""
        return dict(self.values_list("district_id", "yearly_hours"))


class DemandHoursRule(models.Model):
    """A district's yearly 实事 hours for reported in-service members (default 12)."""

    scope_via = "district"

    district = models.OneToOneField(
        Unit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="demand_hours_rule",
        limit_choices_to={"level": Level.DISTRICT},
    )
    yearly_hours = models.DecimalField(
        _("yearly hours required"),
        max_digits=5,
        decimal_places=1,
        default=DEFAULT_YEARLY_HOURS,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("500"))],
    )

    objects = DemandHoursRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("yearly 实事 hours")
        verbose_name_plural = _("yearly 实事 hours")

    def __str__(self):
        return f"{self.district} · {self.yearly_hours}"
