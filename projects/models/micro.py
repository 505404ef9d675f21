"""民生微实事 micro-projects: the proposal → review → 立项 → implementation → 验收 lifecycle,
its append-only transition log and milestones (issue 6). The money a project is approved for
comes from a fund line (funds.py); the services in projects/services/ change it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grids.models import ScopedQuerySet, Unit
from portal.core.money import ZERO, MoneySum, coalesce_money, money_field
from portal.core.personal_fields import MOBILE, PersonalNumber
from portal.core.stepper import stages

__all__ = ["MicroCategory", "MicroProject", "MicroStatus", "MicroTransition", "Milestone", "ProposerKind"]


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
# 征集 → 评议 → 立项 → 实施 → 验收 (shared/domain/000), and what each stage means to a resident.
LIFECYCLE = (
    MicroStatus.PROPOSED,
    MicroStatus.REVIEWING,
    MicroStatus.APPROVED,
    MicroStatus.IN_PROGRESS,
    MicroStatus.ACCEPTED,
)
STAGE_HELP = {
    MicroStatus.PROPOSED: _("Proposals from residents are collected and checked."),
    MicroStatus.REVIEWING: _("The residents' council discusses it and votes."),
    MicroStatus.APPROVED: _("Approved, with money from a fund line."),
    MicroStatus.IN_PROGRESS: _("An implementer carries out the work."),
    MicroStatus.ACCEPTED: _("The work is checked and the money spent is published."),
    MicroStatus.REJECTED: _("The residents' council did not approve it."),
    MicroStatus.WITHDRAWN: _("The proposal was withdrawn."),
}


class ProposerKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    STAFF = "staff", _("Staff member")
    ORGANISATION = "organisation", _("Organisation")


class MicroProjectQuerySet(ScopedQuerySet):
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
        from .funds import social_subquery, spent_subquery  # funds.py imports this module

        return self.annotate(spent=spent_subquery(), social=social_subquery())

    def for_listing(self):
        return self.select_related("community__parent", "fund_line").with_money()


class MicroProject(models.Model):
    scope_via = "community"

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
    proposer_mobile = PersonalNumber(MOBILE, _("proposer's mobile"), blank=True)
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
        "FundLine",
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
        indexes = [
            models.Index(fields=["status", "proposed_at"], name="microproject_status_proposed"),
            # The funnel's GROUP BY (community, year) with its counts and sums reads this index
            # alone, per community in scope, never the rows (issue 15: 218,000 projects at 10×).
            models.Index(fields=["community", "proposed_at", "status", "approved_amount"], name="microproject_funnel"),
        ]
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
                condition=~Q(proposer_kind=ProposerKind.RESIDENT) | ~Q(proposer_mobile_hash=""),
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

    def proposal_date(self):
        """The day it was proposed, in Asia/Shanghai (what the council's dates are compared with)."""
        return timezone.localdate(self.proposed_at)

    def funding_year(self):
        """The budget year that pays for the project: the year it was proposed (Asia/Shanghai).

        Proposals are collected and decided within the district's yearly 民生微实事 budget
        (shared/domain/000), so a 2026 proposal is paid from the 2026 line, never another year's.
        """
        return self.proposal_date().year

    def public_proposer(self):
        """Who proposed it, as the public may read it: never a resident's name or mobile."""
        if self.proposer_kind == ProposerKind.ORGANISATION:
            return self.proposer_organisation
        return self.get_proposer_kind_display()

    def lifecycle(self, timeline=()):
        """The stages of the lifecycle with this project's marked (portal/core/stepper.py). A
        project that left the path (not approved, withdrawn) got there from the stage its last
        transition in `timeline` (oldest first) names."""
        reached = next((t.from_status for t in reversed(timeline) if t.to_status == self.status), None)
        return stages(LIFECYCLE, MicroStatus(self.status), helps=STAGE_HELP, reached=reached)

    def spent_total(self):
        spent = getattr(self, "spent", None)
        if spent is None:
            spent = self.expenditures.aggregate(t=coalesce_money(MoneySum("amount")))["t"]
        return spent


class MicroTransition(models.Model):
    """One step of a project's lifecycle: who, when, from, to, note (an append-only log)."""

    scope_via = "project__community"

    project = models.ForeignKey(
        MicroProject, verbose_name=_("micro-project"), on_delete=models.PROTECT, related_name="transitions"
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
    actor_name = models.CharField(pgettext_lazy("audit", "by"), max_length=150, blank=True)  # kept after the account
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    def save(self, *args, **kwargs):
        if self.actor_id and not self.actor_name:
            self.actor_name = self.actor.get_username()
        super().save(*args, **kwargs)


class Milestone(models.Model):
    scope_via = "project__community"

    project = models.ForeignKey(
        MicroProject, verbose_name=_("micro-project"), on_delete=models.PROTECT, related_name="milestones"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("milestone"), max_length=100)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

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
