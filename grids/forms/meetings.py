"""Forms of organisational life: plan a meeting, record its minutes, take attendance on a phone,
attach a photo or PDF."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.uploads import validate_document

from ..models.meetings import Meeting, MeetingKind, Presence
from .tree import label_units


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["unit", "kind", "starts_at", "place", "topic", "host"]
        widgets = {"starts_at": DateTimeLocalInput()}

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices
        label_units(self.fields["unit"], unit_choices)
        self.fields["kind"].initial = MeetingKind.THEME_DAY


class MeetingRecordForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["starts_at", "place", "topic", "host", "minutes", "resolutions"]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "resolutions": forms.Textarea(attrs={"rows": 3}),
        }


class AttendanceForm(forms.Form):
    """One choice and one reason per expected member, named m<pk> and m<pk>-reason."""

    def __init__(self, *args, members, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            presence, reason = current.get(member.pk, (Presence.PRESENT, ""))
            self.fields[f"m{member.pk}"] = forms.ChoiceField(
                label=member.name,
                choices=Presence.choices,
                initial=presence,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"m{member.pk}-reason"] = forms.CharField(
                label=_("Reason for leave"), max_length=100, required=False, initial=reason
            )

    def entries(self):
        data = self.cleaned_data
        return {m: (data[f"m{m.pk}"], data[f"m{m.pk}-reason"]) for m in self.members}

    def rows(self):
        return [(member, self[f"m{member.pk}"], self[f"m{member.pk}-reason"]) for member in self.members]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or PDF"), validators=[validate_document], help_text=_("JPEG, PNG, WebP or PDF (at most 5 MB).")
    )
    caption = forms.CharField(label=_("Caption"), max_length=100)
