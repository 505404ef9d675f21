"""Admin of volunteers (mobile masked, never sent back to the browser) and certificates (read-only)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grids.admin.base import ScopedAdmin

from ..forms.volunteers import KeepTeamRankingMixin, VolunteerMobileMixin
from ..models.volunteers import Certificate, Volunteer
from .common import KeepLinkedForm, masked_mobile


class VolunteerAdminForm(KeepTeamRankingMixin, VolunteerMobileMixin, KeepLinkedForm):
    keep_linked = ("member",)
    # The stored mobile never reaches the browser: masked in the help text, empty keeps it.
    mobile = forms.CharField(label=_("mobile"), max_length=20, required=False)

    class Meta:
        model = Volunteer
        fields = ["unit", "name", "mobile", "teams", "registered_on", "member"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_mobile()


@admin.register(Volunteer)
class VolunteerAdmin(ScopedAdmin):
    form = VolunteerAdminForm
    list_display = ["name", masked_mobile, "unit", "member", "registered_on"]
    search_fields = ["name"]
    list_select_related = ["unit", "member"]
    autocomplete_fields = ["unit", "member"]


@admin.register(Certificate)
class CertificateAdmin(ScopedAdmin):
    list_display = ["code", "volunteer", "unit", "period_start", "period_end", "hours", "issued_at"]
    list_select_related = ["volunteer", "unit"]
    search_fields = ["code"]
    readonly_fields = ["volunteer", "unit", "period_start", "period_end", "hours", "code", "issued_by", "issued_at"]

    def has_add_permission(self, request):
        return False  # issued on the staff page, with hours summed from the records

    def has_change_permission(self, request, obj=None):
        return False
