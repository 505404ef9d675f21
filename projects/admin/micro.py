"""Admin of 民生微实事: scoped, and no bypass of the workflow.

Status, money and approval fields are read-only here; transitions happen through admin
actions that call the same services as the staff pages. Spending and the transition log
are shown read-only (they are recorded on the staff pages, with their checks).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grids.admin.base import ScopedAdmin
from grids.scope import EDIT, scope_for
from portal.core.money import format_yuan

from ..models.funds import Expenditure, SocialInvestment
from ..models.micro import MicroProject, MicroStatus, MicroTransition, Milestone
from ..services import micro as services


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionInline(ReadOnlyInline):
    model = MicroTransition
    fields = ["at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["date", "title", "progress", "recorded_by"]
    readonly_fields = fields


class ExpenditureInline(ReadOnlyInline):
    model = Expenditure
    fields = ["date", "amount_yuan", "payee", "note", "voucher", "overrun_reason", "reverses", "reversal_reason",
              "recorded_by"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("amount (yuan)"))
    def amount_yuan(self, obj):
        return format_yuan(obj.amount)


class SocialInvestmentInline(ReadOnlyInline):
    model = SocialInvestment
    fields = ["date", "amount_yuan", "source", "note", "recorded_by"]
    readonly_fields = fields

    @admin.display(description=_("amount (yuan)"))
    def amount_yuan(self, obj):
        return format_yuan(obj.amount)


@admin.register(MicroProject)
class MicroProjectAdmin(ScopedAdmin):
    list_display = ["title", "community", "category", "status", "approved_yuan", "proposed_at"]
    list_filter = ["status", "category", "budget_year"]
    search_fields = ["title", "tracking_code"]
    list_select_related = ["community"]
    autocomplete_fields = ["community"]
    # Everything the workflow owns is read-only: it changes only through the actions below
    # (or the staff pages), which call projects.services.micro.
    readonly_fields = [
        "tracking_code",
        "status",
        "proposed_at",
        "proposer_kind",
        "proposer_name",
        "masked_mobile",
        "proposer_user",
        "proposer_organisation",
        "requested_yuan",
        "resolution",
        "resolution_date",
        "rejection_reason",
        "approved_yuan",
        "fund_line",
        "budget_year",
        "reserved_yuan",
        "implementer",
        "start_date",
        "progress",
        "accepted_date",
        "acceptance_result",
    ]
    fields = ["community", "title", "description", "category", "latitude", "longitude", *readonly_fields]
    inlines = [TransitionInline, MilestoneInline, ExpenditureInline, SocialInvestmentInline]
    actions = ["start_review_action"]

    @admin.display(description=_("requested amount (yuan)"), ordering="requested_amount")
    def requested_yuan(self, obj):
        return format_yuan(obj.requested_amount)

    @admin.display(description=_("approved amount (yuan)"), ordering="approved_amount")
    def approved_yuan(self, obj):
        return format_yuan(obj.approved_amount)

    @admin.display(description=_("reserved from the fund line (yuan)"))
    def reserved_yuan(self, obj):
        return format_yuan(obj.reserved_amount)

    @admin.display(description=_("proposer's mobile"))
    def masked_mobile(self, obj):
        return obj.proposer_mobile_masked

    def has_add_permission(self, request):
        # New projects are proposed through the public form or the staff page (services.propose).
        return False

    def has_delete_permission(self, request, obj=None):
        # A project that holds money or was decided stays on record.
        if obj is not None and obj.status not in (MicroStatus.PROPOSED, MicroStatus.REVIEWING):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Once approved, the community and category are part of the decision: frozen too.
        fields = list(self.readonly_fields)
        if obj is not None and obj.reached_approval:
            fields += ["community", "category"]
        return fields

    @admin.action(description=_("Start the council's review of the selected proposals"))
    def start_review_action(self, request, queryset):
        scope = scope_for(request.user)
        done = 0
        for project in queryset.select_related("community"):
            if not scope.allows(project.community, EDIT):
                continue
            try:
                services.start_review(project=project, actor=request.user, note=gettext("From the admin."))
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{project}: {' '.join(exc.messages)}", messages.ERROR)
        if done:
            self.message_user(request, gettext("%(n)d proposals are now under review.") % {"n": done})
