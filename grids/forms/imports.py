"""Forms of the bulk work on units, posts, reports and claims: an upload, and posts from a pattern."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import PostKind
from ..services.posts_io import MAX_PLACES, PLACEHOLDER
from .members import ImportForm

__all__ = ["ImportForm", "PostPatternForm"]


class PostPatternForm(forms.Form):
    pattern = forms.CharField(
        label=_("Post name"),
        max_length=90,
        help_text=_("{楼栋} is replaced by each building group's name, such as {楼栋}垃圾分类督导岗."),
        initial=PLACEHOLDER + "垃圾分类督导岗",
    )
    kind = forms.ChoiceField(label=_("Kind of post"), choices=PostKind.choices)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=MAX_PLACES, initial=2)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_pattern(self):
        return self.cleaned_data["pattern"].strip()
