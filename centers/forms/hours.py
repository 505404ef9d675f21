"""Opening-hours forms: weekly intervals (no two overlapping on a weekday) and closure dates."""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from ..models import Center, Closure, OpeningInterval


class IntervalForm(forms.ModelForm):
    class Meta:
        model = OpeningInterval
        fields = ["weekday", "opens", "closes"]
        widgets = {"opens": forms.TimeInput(attrs={"type": "time"}), "closes": forms.TimeInput(attrs={"type": "time"})}


class _NoOverlapFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        by_day = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or None in (data.get("weekday"), data.get("opens"), data.get("closes")):
                continue  # an invalid or empty row already carries its own error
            by_day.setdefault(data["weekday"], []).append((data["opens"], data["closes"]))
        for intervals in by_day.values():
            intervals.sort()
            for (_o1, c1), (o2, _c2) in zip(intervals, intervals[1:], strict=False):
                if o2 < c1:
                    raise forms.ValidationError(_("Two intervals on the same weekday overlap."))


# A posted TOTAL_FORMS is believed up to absolute_max: Django's default (2,000 forms) lets one
# request make the server build and render thousands of rows. A week holds a few intervals a
# day; closures are dates, a few years of them at most.
MAX_INTERVALS = 50
MAX_CLOSURES = 500

IntervalFormSet = inlineformset_factory(
    Center,
    OpeningInterval,
    form=IntervalForm,
    formset=_NoOverlapFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_INTERVALS,
    absolute_max=MAX_INTERVALS,
    validate_max=True,
)
ClosureFormSet = inlineformset_factory(
    Center,
    Closure,
    fields=["date", "reason"],
    widgets={"date": forms.DateInput(attrs={"type": "date"})},
    extra=2,
    can_delete=True,
    max_num=MAX_CLOSURES,
    absolute_max=MAX_CLOSURES,
    validate_max=True,
)
