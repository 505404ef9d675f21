"""Admin of fund lines (set by 管理员, never below what projects hold), per-project caps, and the
spending of micro-projects (read-only for everyone: corrected by a reversal on the staff page)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grids.admin.base import ReadOnlyAdmin, ScopedAdmin
from grids.scope import MANAGE, scope_for
from portal.core.money import format_yuan

from ..models.funds import Expenditure, FundLine, ProjectCap
from ..services import funds as services


class FundLineAdminForm(forms.ModelForm):
    class Meta:
        model = FundLine
        fields = ["unit", "category", "year", "amount", "note"]

    def clean_amount(self):
        # The friendly message; save_fund_line checks again under the row lock.
        amount = self.cleaned_data["amount"]
        if self.instance.pk and amount is not None:
            held = FundLine.objects.with_left().get(pk=self.instance.pk).reserved
            if amount < held:
                raise ValidationError(
                    gettext("Projects already hold %(held)s yuan of this line: the amount cannot be less.")
                    % {"held": format_yuan(held)}
                )
        return amount


@admin.register(FundLine)
class FundLineAdmin(ScopedAdmin):
    form = FundLineAdminForm
    edit_need = MANAGE  # budgets are set by 管理员
    list_display = ["year", "unit", "category", "amount_yuan", "left"]
    list_filter = ["year", "category"]
    search_fields = ["unit__name", "note"]
    autocomplete_fields = ["unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit").with_left()

    @admin.display(description=_("amount (yuan)"), ordering="amount")
    def amount_yuan(self, obj):
        return format_yuan(obj.amount)

    @admin.display(description=_("left (yuan)"), ordering="left")
    def left(self, obj):
        return format_yuan(obj.left)

    def save_model(self, request, obj, form, change):
        if not scope_for(request.user).allows(obj.unit, self.edit_need):
            raise PermissionDenied(gettext("This is outside the part of the tree you manage."))
        # Through the service: the amount may not fall below what projects already hold.
        services.save_fund_line(line=obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.projects.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ProjectCap)
class ProjectCapAdmin(ScopedAdmin):
    edit_need = MANAGE
    list_display = ["year", "district", "category", "max_yuan"]
    autocomplete_fields = ["district"]
    list_filter = ["year", "category"]

    @admin.display(description=_("maximum per project (yuan)"), ordering="max_amount")
    def max_yuan(self, obj):
        return format_yuan(obj.max_amount)


@admin.register(Expenditure)
class ExpenditureAdmin(ReadOnlyAdmin):
    """Public money once paid stays on record: no add, change or delete here, for superusers
    too (ReadOnlyAdmin answers False whoever asks). A mistake is corrected by a reversing entry
    on the staff spending page, which keeps both."""

    list_display = ["date", "project", "payee", "amount_yuan", "reverses", "recorded_by", "recorded_at"]
    list_select_related = ["project", "reverses", "recorded_by"]
    list_filter = ["date"]
    search_fields = ["payee", "project__title"]
    fields = ["project", "date", "payee", "amount_yuan", "note", "voucher", "overrun_reason", "reverses",
              "reversal_reason", "recorded_by", "recorded_at"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("amount (yuan)"), ordering="amount")
    def amount_yuan(self, obj):
        return format_yuan(obj.amount)
