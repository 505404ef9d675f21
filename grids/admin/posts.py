"""Admin of reporting (报到), service posts and claims."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from ..models import Category, Level, PostClaim, Report, ServicePost
from ..scope import scope_for
from ..services.posts import claim_post
from .base import ScopedAdmin


@admin.register(ServicePost)
class ServicePostAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "capacity"]
    list_filter = ["kind"]
    search_fields = ["name", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


class PostClaimAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        post = data.get("post")
        if post and not self.instance.pk and post.claims.count() >= post.capacity:
            raise forms.ValidationError(_("This post is full: all %(n)d places are taken.") % {"n": post.capacity})
        return data


@admin.register(PostClaim)
class PostClaimAdmin(ScopedAdmin):
    form = PostClaimAdminForm
    list_display = ["member", "post", "claimed_on"]
    search_fields = ["member__name", "post__name"]
    list_select_related = ["member", "post"]
    autocomplete_fields = ["member", "post"]
    exclude = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        # The capacity is enforced under a row lock by the service, also here.
        if change:
            return super().save_model(request, obj, form, change)
        if not scope_for(request.user).allows(obj.post.unit, self.edit_need):
            raise PermissionDenied
        claim = claim_post(post=obj.post, member=obj.member, claimed_on=obj.claimed_on, by=request.user)
        obj.pk = claim.pk


class ReportAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if data.get("member") and data["member"].category != Category.IN_SERVICE:
            self.add_error("member", _("Only in-service members report to a building group."))
        if data.get("building") and data["building"].level != Level.BUILDING:
            self.add_error("building", _("Choose a building group."))
        return data


@admin.register(Report)
class ReportAdmin(ScopedAdmin):
    form = ReportAdminForm
    list_display = ["member", "building", "reported_on"]
    search_fields = ["member__name", "building__name"]
    list_select_related = ["member", "building"]
    autocomplete_fields = ["member", "building"]
    exclude = ["recorded_by"]
