"""民生微实事 micro-projects and the Party-building fund lines that pay for them (issue 6).

Money is Decimal 元 with two places and every total is computed by the database. What is
left of a fund line is its amount minus what its projects hold (`reserved_amount`), which
the services in projects/services/micro.py change only while the line's row is locked.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DecimalField, F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grids.models import Level, Unit
from portal.core.money import MONEY, ZERO, MoneySum, coalesce_money, money_field


class FundCategory(models.TextChoices):
    # The five lines of Futian's 2018 budget (shared/domain/000).
    PARTY_INNOVATION = "party_innovation", _("Party-building innovation fund")
    COMMUNITY_ACTIVITY = "community_activity", _("Community Party activity fund")
    NEW_ORGANISATIONS = "new_organisations", _("Party activity fund of new economic and social organisations")
    PARTY_CARE = "party_care", _("Party care fund")
    MICRO = "micro", _("Livelihood micro-projects fund")


class MicroCategory(models.TextChoices):
    # Shenzhen's three kinds of 民生微实事 (shared/domain/000).
    WORKS = "works", _("Works")
    GOODS = "goods", _("Goods")
    SERVICES = "services", pgettext_lazy("micro category", "Services")


class MicroStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    REVIEWING = "reviewing", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")
    IN_PROGRESS = "in_progress", _("In progress")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = (MicroStatus.PROPOSED, MicroStatus.REVIEWING, MicroStatus.APPROVED, MicroStatus.IN_PROGRESS)
# The statuses a project can only have reached through 立项 (approval).
FUNDED_STATUSES = (MicroStatus.APPROVED, MicroStatus.IN_PROGRESS, MicroStatus.ACCEPTED)


class ProposerKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    STAFF = "staff", _("Staff member")
    ORGANISATION = "organisation", _("Organisation")


class FundLineQuerySet(models.QuerySet):
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


class FundLine(models.Model):
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
        return f"{self.year} {self.get_category_display()} ≤ {self.max_amount}"

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


class MicroProjectQuerySet(models.QuerySet):
    def public(self):
        """公示: every project that reached 立项, whatever came after (public money was committed)."""
        return self.filter(approved_amount__isnull=False)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def under(self, unit):
        return self.filter(community__path__startswith=unit.path) if unit else self

    def proposed_in(self, year):
        return self.filter(proposed_at__year=year)

    def with_money(self):
        return self.annotate(spent=spent_subquery(), social=social_subquery())

    def for_listing(self):
        return self.select_related("community__parent", "fund_line").with_money()


class MicroProject(models.Model):
    community = models.ForeignKey(
        Unit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="micro_projects",
        limit_choices_to={"level": 3},
    )
    title = models.CharField(pgettext_lazy("micro-project", "title"), max_length=100)
    description = models.TextField(pgettext_lazy("micro-project", "description"), max_length=2000)
    category = models.CharField(_("category"), max_length=16, choices=MicroCategory.choices)
    proposer_kind = models.CharField(
        _("proposed by"), max_length=16, choices=ProposerKind.choices, default=ProposerKind.RESIDENT
    )
    proposer_name = models.CharField(_("proposer's name"), max_length=50, blank=True)
    # Personal data (PIPL): only staff in scope see it, masked; never on a public page or export.
    proposer_mobile = models.CharField(_("proposer's mobile"), max_length=11, blank=True)
    proposer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposing staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposer_organisation = models.CharField(_("proposing organisation"), max_length=100, blank=True)
    requested_amount = money_field(_("requested amount (yuan)"), validators=[MinValueValidator(Decimal("0.01"))])
    latitude = models.DecimalField(_("latitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude (WGS-84)"), max_digits=9, decimal_places=6, null=True, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True, editable=False)
    proposed_at = models.DateTimeField(_("proposed at"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=MicroStatus.choices, default=MicroStatus.PROPOSED)

    # 评议: the resolution of the community's 居民议事会.
    resolution = models.TextField(_("council resolution"), blank=True)
    resolution_date = models.DateField(_("resolution date"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for not approving"), blank=True)
    # 立项.
    approved_amount = money_field(_("approved amount (yuan)"), null=True, blank=True)
    fund_line = models.ForeignKey(
        FundLine,
        verbose_name=_("fund line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    budget_year = models.PositiveSmallIntegerField(_("budget year"), null=True, blank=True)
    # What the project holds of its fund line: the approved amount, any overrun, and after
    # a withdrawal only what was already spent.
    reserved_amount = money_field(_("reserved from the fund line (yuan)"), default=ZERO)
    # 实施.
    implementer = models.CharField(_("implementer"), max_length=100, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    # 验收.
    accepted_date = models.DateField(_("acceptance date"), null=True, blank=True)
    acceptance_result = models.TextField(_("acceptance result"), blank=True)

    objects = MicroProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("micro-project")
        verbose_name_plural = _("micro-projects")
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["status", "proposed_at"], name="microproject_status_proposed")]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_amount__gt=0),
                name="microproject_requested_positive",
                violation_error_message=_("The requested amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0),
                name="microproject_approved_positive",
                violation_error_message=_("The approved amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(reserved_amount__gte=0),
                name="microproject_reserved_not_negative",
                violation_error_message=_("A project cannot hold a negative amount."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="microproject_progress_percent",
                violation_error_message=_("Progress is a percentage between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="microproject_coordinates_both_or_none",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
            # A funded status needs the approval's money and line; the services set them together.
            models.CheckConstraint(
                condition=~Q(status__in=FUNDED_STATUSES)
                | Q(approved_amount__isnull=False, fund_line__isnull=False, budget_year__isnull=False),
                name="microproject_funded_has_approval",
                violation_error_message=_("An approved project needs an approved amount, a fund line and a year."),
            ),
            models.CheckConstraint(
                condition=~Q(proposer_kind=ProposerKind.RESIDENT) | ~Q(proposer_mobile=""),
                name="microproject_resident_has_mobile",
                violation_error_message=_("A resident's proposal needs a mobile number."),
            ),
            models.CheckConstraint(
                condition=~Q(proposer_kind=ProposerKind.ORGANISATION) | ~Q(proposer_organisation=""),
                name="microproject_organisation_named",
                violation_error_message=_("An organisation's proposal needs the organisation's name."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def reached_approval(self):
        return self.approved_amount is not None

    def public_proposer(self):
        """Who proposed it, as the public may read it: never a resident's name or mobile."""
        if self.proposer_kind == ProposerKind.ORGANISATION:
            return self.proposer_organisation
        return self.get_proposer_kind_display()

    def spent_total(self):
        spent = getattr(self, "spent", None)
        if spent is None:
            spent = self.expenditures.aggregate(t=coalesce_money(MoneySum("amount")))["t"]
        return spent


class MicroTransition(models.Model):
    """One step of a project's lifecycle: who, when, from, to, note (an append-only log)."""

    project = models.ForeignKey(
        MicroProject, verbose_name=_("micro-project"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        pgettext_lazy("status change", "from"), max_length=16, choices=MicroStatus.choices, blank=True
    )
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=16, choices=MicroStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Milestone(models.Model):
    project = models.ForeignKey(
        MicroProject, verbose_name=_("micro-project"), on_delete=models.CASCADE, related_name="milestones"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("milestone"), max_length=100)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="milestone_progress_percent",
                violation_error_message=_("Progress is a percentage between 0 and 100."),
            )
        ]

    def __str__(self):
        return self.title


class Expenditure(models.Model):
    project = models.ForeignKey(
        MicroProject, verbose_name=_("micro-project"), on_delete=models.PROTECT, related_name="expenditures"
    )
    amount = money_field(_("amount (yuan)"), validators=[MinValueValidator(Decimal("0.01"))])
    date = models.DateField(_("date"))
    payee = models.CharField(_("payee"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    voucher = models.FileField(_("voucher"), upload_to="micro/vouchers/%Y/", blank=True)
    # A 管理员 may pass the approved amount, with a reason (recorded on this row).
    overrun_reason = models.TextField(_("overrun reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="expenditure_amount_positive",
                violation_error_message=_("An expenditure must be more than zero."),
            )
        ]

    def __str__(self):
        return f"{self.date} {self.payee} {self.amount}"


class SocialInvestment(models.Model):
    """社会投入: money from outside the public budget, kept apart from public spending."""

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
        return f"{self.source} {self.amount}"


__all__ = [
    "Expenditure",
    "FundCategory",
    "FundLine",
    "MicroProject",
    "Milestone",
    "ProjectCap",
    "MicroCategory",
    "ProposerKind",
    "SocialInvestment",
    "MicroStatus",
    "MicroTransition",
]
