"""Admin of fund lines (set by 管理员, never below what projects hold) and per-project caps."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grids.admin.base import ScopedAdmin
from grids.scope import MANAGE, scope_for
from portal.core.money import yuan

from ..models.funds import FundLine, ProjectCap
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
                    % {"held": yuan(held)}
                )
        return amount


@admin.register(FundLine)
class FundLineAdmin(ScopedAdmin):
    form = FundLineAdminForm
    edit_need = MANAGE  # budgets are set by 管理员
    list_display = ["year", "unit", "category", "amount", "left"]
    list_filter = ["year", "category"]
    search_fields = ["unit__name", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit").with_left()

    @admin.display(description=_("left (yuan)"), ordering="left")
    def left(self, obj):
        return obj.left

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
    list_display = ["year", "district", "category", "max_amount"]
    list_filter = ["year", "category"]
