"""Forms of reporting (报到) and service posts: record a report, claim a place, create a post."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.pickers import picker

from ..models import Level, PostKind, ServicePost, Unit
from ..services.tree import one_label, post_labels
from .members import DateInput
from .tree import label_units

# Service posts are offered by communities and building groups.
POST_LEVELS = (Level.COMMUNITY, Level.BUILDING)


class ReportForm(forms.Form):
    building = forms.ModelChoiceField(label=_("Building group"), queryset=Unit.objects.none())
    reported_on = forms.DateField(label=_("Date reported"), initial=date.today, widget=DateInput())

    def __init__(self, *args, building_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = building_choices
        label_units(self.fields["building"], building_choices, levels=[Level.BUILDING])


class ClaimForm(forms.Form):
    post = forms.ModelChoiceField(label=_("Service post"), queryset=ServicePost.objects.none())
    claimed_on = forms.DateField(label=_("Date claimed"), initial=date.today, widget=DateInput())

    def __init__(self, *args, post_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = post_choices
        picker(self.fields["post"], "pick_posts", label=one_label(post_labels), need="edit", open="1")


class ServicePostForm(forms.ModelForm):
    class Meta:
        model = ServicePost
        fields = ["unit", "kind", "name", "capacity", "description"]

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices
        self.fields["unit"].help_text = _("A building group or a community.")
        label_units(self.fields["unit"], unit_choices, levels=POST_LEVELS)
        self.fields["kind"].initial = PostKind.BUILDING_ASSISTANT
