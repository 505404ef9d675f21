"""党费 (membership dues) by the 中组部 2008 rules (《关于中国共产党党费收缴、使用和管理的规定》).

For each member and year, an assessment (核定) sets the monthly amount at the start of the year:
members in work pay a rate of the regular part of their monthly after-tax pay, retired members a
rate of their pension, farmers a fixed 0.2 to 1 元, students, laid-off or unemployed members and
members on relief or 低保 0.2 元; a branch may approve a lower amount or an exemption for a member
in hardship, with the reason. The rate applies to the whole base, not to the part above each step
(2008 rules, article 1), rounded to the fen.

The base is personal financial data: encrypted, fingerprinted and masked like an ID number
(portal.core.personal_fields.PAY_BASE); only the monthly amount is kept in clear.

Payments cover one or more months of one year; a mistake is corrected by a reversal entry that
points at it, never by editing or deleting a payment (history and money are corrected by new entries).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.money import MONEY, ZERO
from portal.core.personal_fields import PAY_BASE, PersonalNumber

from .members import Member
from .scoped import ScopedQuerySet

FEN = Decimal("0.01")
FARMER_MIN, FARMER_MAX = Decimal("0.20"), Decimal("1.00")
LOW_INCOME_AMOUNT = Decimal("0.20")

# (upper bound of the base, inclusive; rate) for members in work and for pensions, 2008 rules.
WORKING_RATES = (
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
    (None, Decimal("0.02")),
)
RETIRED_RATES = ((Decimal("5000"), Decimal("0.005")), (None, Decimal("0.01")))


class DuesCategory(models.TextChoices):
    WORKING = "working", _("In work: rate of monthly after-tax pay")
    RETIRED = "retired", _("Retired: rate of the pension")
    FARMER = "farmer", _("Farmer: 0.2 to 1 yuan a month")
    LOW_INCOME = "low_income", _("Student, laid-off, unemployed or on relief: 0.2 yuan a month")


class Relief(models.TextChoices):
    NONE = "", _("None")
    REDUCED = "reduced", _("Reduced amount approved by the branch")
    EXEMPT = "exempt", _("Exempted by the branch")


def rate_for(category, base):
    """The rate on the whole base for a member in work or a retired member."""
    table = WORKING_RATES if category == DuesCategory.WORKING else RETIRED_RATES
    for ceiling, rate in table:
        if ceiling is None or base <= ceiling:
            return rate
    raise AssertionError("the last step has no ceiling")


def monthly_amount(category, *, base=None, fixed=None):
    """The monthly dues in 元 before any relief: Decimal, rounded half up to the fen."""
    if category in (DuesCategory.WORKING, DuesCategory.RETIRED):
        base = Decimal(base)
        return (base * rate_for(category, base)).quantize(FEN, rounding=ROUND_HALF_UP)
    if category == DuesCategory.FARMER:
        return Decimal(fixed).quantize(FEN, rounding=ROUND_HALF_UP)
    return LOW_INCOME_AMOUNT


class DuesAssessmentQuerySet(ScopedQuerySet):
    def under(self, unit):
        return self.filter(member__unit__path__startswith=unit.path)


class DuesAssessment(models.Model):
    """A member's dues for a year: category, base (encrypted), monthly amount, relief."""

    scope_via = "member__unit"

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    category = models.CharField(pgettext_lazy("dues", "category"), max_length=20, choices=DuesCategory.choices)
    # Pay or pension: encrypted, fingerprinted and masked (pay_base_encrypted/_hash/_masked).
    pay_base = PersonalNumber(PAY_BASE, _("monthly pay base"), blank=True)
    standard_amount = models.DecimalField(_("amount by the rules"), **MONEY)
    relief = models.CharField(_("relief"), max_length=10, choices=Relief.choices, blank=True, default="")
    relief_reason = models.CharField(_("reason for the relief"), max_length=200, blank=True)
    monthly = models.DecimalField(_("monthly dues"), **MONEY)
    # Probationary members pay from the month they were admitted.
    first_month = models.PositiveSmallIntegerField(
        _("first month due"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    objects = DuesAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues assessment")
        verbose_name_plural = _("dues assessments")
        ordering = ["-year", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="dues_one_assessment_per_year",
                violation_error_message=_("This member's dues for this year are already set."),
            ),
            models.CheckConstraint(
                condition=Q(first_month__gte=1, first_month__lte=12),
                name="dues_first_month_in_year",
                violation_error_message=_("The first month is between 1 and 12."),
            ),
            models.CheckConstraint(
                condition=Q(monthly__gte=0, standard_amount__gte=0),
                name="dues_amounts_not_negative",
                violation_error_message=_("Dues cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(Q(relief="") & Q(monthly=F("standard_amount")))
                | (
                    Q(relief=Relief.REDUCED)
                    & Q(monthly__gt=0)
                    & Q(monthly__lt=F("standard_amount"))
                    & ~Q(relief_reason="")
                )
                | (Q(relief=Relief.EXEMPT) & Q(monthly=0) & ~Q(relief_reason="")),
                name="dues_relief_consistent",
                violation_error_message=_(
                    "A reduction is below the rules' amount and an exemption is zero, each with a reason."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.year}"

    def due_months(self, until_month=12):
        """The months of the year this member owes dues for, up to `until_month`."""
        if self.monthly <= ZERO:
            return []
        return list(range(self.first_month, until_month + 1))


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    ONLINE = "online", _("Online payment")


class DuesPaymentQuerySet(ScopedQuerySet):
    def under(self, unit):
        return self.filter(member__unit__path__startswith=unit.path)

    def standing(self):
        """Payments that count: neither reversed nor a reversal."""
        return self.filter(reverses__isnull=True, reversed_by__isnull=True)


class DuesPayment(models.Model):
    """A payment of dues for months `first_month`..`last_month` of `year`, or the reversal of one
    (negative amount, `reverses` set): the only way to correct a payment."""

    scope_via = "member__unit"

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues_payments")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    first_month = models.PositiveSmallIntegerField(
        _("from month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    last_month = models.PositiveSmallIntegerField(
        _("to month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    paid_on = models.DateField(_("date paid"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = DuesPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering = ["-year", "-first_month", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_month__gte=1, last_month__lte=12, first_month__lte=F("last_month")),
                name="dues_payment_months_in_order",
                violation_error_message=_("The months paid run from an earlier month to a later one of the year."),
            ),
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0)) | (Q(reverses__isnull=False) & Q(amount__lt=0)),
                name="dues_payment_sign",
                violation_error_message=_("A payment is positive; only a reversal is negative."),
            ),
            models.CheckConstraint(
                condition=~Q(method=PaymentMethod.ONLINE) | ~Q(reference=""),
                name="dues_online_payment_has_reference",
                violation_error_message=_("An online payment needs its reference."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.year}-{self.first_month:02d}..{self.last_month:02d}"

    @property
    def months(self):
        return range(self.first_month, self.last_month + 1)

    @property
    def is_reversal(self):
        return self.reverses_id is not None
