"""Party-building fund lines (党建经费) that pay for 民生微实事, the districts' per-project caps,
and what a micro-project spends (public money) or receives from outside (社会投入), issue 6.

Money is Decimal 元 with two places and every total is computed by the database. What is
left of a fund line is its amount minus what its projects hold (`reserved_amount`), which
the services change only while the line's row is locked.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DecimalField, F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from grids.models import Level, ScopedQuerySet, Unit
from portal.core.money import MONEY, ZERO, MoneySum, coalesce_money, format_yuan, money_field

from .micro import MicroCategory, MicroProject

__all__ = ["Expenditure", "FundCategory", "FundLine", "ProjectCap", "SocialInvestment"]


class FundCategory(models.TextChoices):
    # The five lines of Futian's 2018 budget (shared/domain/000).
    PARTY_INNOVATION = "party_innovation", _("Party-building innovation fund")
    COMMUNITY_ACTIVITY = "community_activity", _("Community Party activity fund")
    NEW_ORGANISATIONS = "new_organisations", _("Party activity fund of new economic and social organisations")
    PARTY_CARE = "party_care", _("Party care fund")
    MICRO = "micro", _("Livelihood micro-projects fund")


class FundLineQuerySet(ScopedQuerySet):
    def with_left(self):
        """Annotate `reserved` (held by projects) and `left`, both computed by the database."""
        held = (
            MicroProject.objects.filter(fund_line=OuterRef("pk"))
            .order_by()
            .values("fund_line")
            .annotate(total=MoneySum("reserved_amount"))
            .values("total")
        )
        return self.annotate(reserved=coalesce_money(Subquery(held))).annotate(
            left=models.ExpressionWrapper(F("amount") - F("reserved"), output_field=DecimalField(**MONEY))
        )

    def covering(self, community, year):
        """Lines of `year` owned by the community or one of its ancestors."""
        return self.filter(unit_id__in=community.ancestor_ids(), year=year)

    def can_pay(self, project):
        """The lines that may pay for a micro-project: 民生微实事 lines of its budget year, owned
        by its community or a unit above it (services.micro.approve checks the same three rules)."""
        return self.covering(project.community, project.funding_year()).filter(category=FundCategory.MICRO)


class FundLine(models.Model):
    scope_via = "unit"

    category = models.CharField(_("fund category"), max_length=32, choices=FundCategory.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="fund_lines",
        limit_choices_to={"level__lte": 3},
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    amount = money_field(_("amount (yuan)"), validators=[MinValueValidator(ZERO)])
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = FundLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund line")
        verbose_name_plural = _("fund lines")
        ordering = ["-year", "unit__path", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "category", "year"],
                name="fundline_unique_unit_category_year",
                violation_error_message=_("This unit already has a fund line of this category for this year."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="fundline_amount_not_negative",
                violation_error_message=_("A fund line's amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.unit} {self.get_category_display()}"

    def clean(self):
        super().clean()
        # Budgets are held by a district, a street or a community (shared/domain/000), not a grid.
        if self.unit_id and self.unit.level > Level.COMMUNITY:
            raise ValidationError({"unit": _("A fund line belongs to a district, a street or a community.")})


class ProjectCap(models.Model):
    """The most one project of a category may be approved for, per district and year (Futian 2016: 服务类 ≤ 20万, 工程类 ≤ 40万)."""

    # Set by a district: inside the scope of its district's staff only.
    scope_via = "district"

    district = models.ForeignKey(
        Unit,
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="project_caps",
        limit_choices_to={"level": 1},
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    category = models.CharField(_("project category"), max_length=16, choices=MicroCategory.choices)
    max_amount = money_field(_("maximum per project (yuan)"), validators=[MinValueValidator(Decimal("0.01"))])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("per-project cap")
        verbose_name_plural = _("per-project caps")
        ordering = ["-year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "category"],
                name="projectcap_unique_district_year_category",
                violation_error_message=_("This district already has a cap for this category and year."),
            ),
            models.CheckConstraint(
                condition=Q(max_amount__gt=0),
                name="projectcap_positive",
                violation_error_message=_("A cap must be more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_category_display()} ≤ {format_yuan(self.max_amount)}"

    def clean(self):
        super().clean()
        if self.district_id and self.district.level != Level.DISTRICT:
            raise ValidationError({"district": _("Caps are set by a district.")})


def spent_subquery():
    rows = (
        Expenditure.objects.filter(project=OuterRef("pk")).order_by().values("project").annotate(t=MoneySum("amount"))
    )
    return coalesce_money(Subquery(rows.values("t")))


def social_subquery():
    rows = (
        SocialInvestment.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(t=MoneySum("amount"))
    )
    return coalesce_money(Subquery(rows.values("t")))


class Expenditure(models.Model):
    """One payment of public money. Never edited nor deleted: a mistake is corrected by a
    reversing entry (冲正) with the opposite amount, which names the original and a reason, so
    the public list keeps both and every total (database sums) comes out right."""

    scope_via = "project__community"

    project = models.ForeignKey(
        MicroProject, verbose_name=_("micro-project"), on_delete=models.PROTECT, related_name="expenditures"
    )
    # Positive, or negative for a reversal (the constraints below).
    amount = money_field(_("amount (yuan)"))
    date = models.DateField(_("date"))
    payee = models.CharField(_("payee"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    voucher = models.FileField(_("voucher"), upload_to="micro/vouchers/%Y/", blank=True)
    # A 管理员 may pass the approved amount, with a reason (recorded on this row).
    overrun_reason = models.TextField(_("overrun reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_name = models.CharField(_("recorded by (name)"), max_length=150, blank=True)  # kept after the account
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # One-to-one: an entry is reversed at most once, even by two clicks at the same moment.
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    reversal_reason = models.TextField(_("reason for the reversal"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
                name="expenditure_positive_unless_reversal",
                violation_error_message=_("An expenditure must be more than zero; only a reversal is negative."),
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | ~Q(reversal_reason=""),
                name="expenditure_reversal_has_reason",
                violation_error_message=_("A reversal needs its reason."),
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.payee} {format_yuan(self.amount)}"

    def save(self, *args, **kwargs):
        if self.recorded_by_id and not self.recorded_by_name:
            self.recorded_by_name = self.recorded_by.get_username()
        super().save(*args, **kwargs)

    @property
    def is_reversal(self):
        return self.reverses_id is not None

    @property
    def reversed_by(self):
        """The entry that reversed this one, or None."""
        try:
            return self.reversal
        except Expenditure.DoesNotExist:
            return None


class SocialInvestment(models.Model):
    """社会投入: money from outside the public budget, kept apart from public spending."""

    scope_via = "project__community"

    project = models.ForeignKey(
        MicroProject, verbose_name=_("micro-project"), on_delete=models.PROTECT, related_name="social_investments"
    )
    amount = money_field(_("amount (yuan)"), validators=[MinValueValidator(Decimal("0.01"))])
    source = models.CharField(_("source"), max_length=100)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("social investment")
        verbose_name_plural = _("social investments")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="socialinvestment_amount_positive",
                violation_error_message=_("A social investment must be more than zero."),
            )
        ]

    def __str__(self):
        return f"{self.source} {format_yuan(self.amount)}"
