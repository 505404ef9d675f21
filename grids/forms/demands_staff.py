"""Staff forms of a demand's page: each step of the lifecycle has its own small form."""

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.pickers import picker

from ..models import Member, Unit
from ..services.tree import one_label, person_labels
from .demands import PhotosField, VisitForm, plain_text
from .members import DateInput
from .tree import label_units


def _text(label, max_length=1000, rows=3, required=True):
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=forms.Textarea(attrs={"rows": rows}),
        validators=[plain_text],
    )  # fmt: skip


class AcceptForm(forms.Form):
    pass


class StartForm(forms.Form):
    pass


class RejectForm(forms.Form):
    reason = _text(_("Reason, shown to the resident"))


class NoteForm(forms.Form):
    note = _text(_("Note (staff only)"))


class HandUpForm(forms.Form):
    reason = _text(_("Why the unit above should take it"))


class TransferForm(forms.Form):
    to_unit = forms.ModelChoiceField(label=_("Transfer to"), queryset=Unit.objects.none())
    reason = _text(_("Reason"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units
        label_units(self.fields["to_unit"], units)


class HandleForm(forms.Form):
    reply = _text(_("Reply to the resident"), 2000, 4)
    photos = PhotosField(label=_("Photos of the result (up to 3)"))


class HelperForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none(), required=False)
    name = forms.CharField(label=_("or a volunteer's name"), max_length=50, required=False, validators=[plain_text])
    hours = forms.DecimalField(
        label=_("Hours"), min_value=Decimal("0.5"), max_value=Decimal("24"), max_digits=4, decimal_places=1
    )
    helped_on = forms.DateField(label=_("Date"), initial=date.today, widget=DateInput())

    def __init__(self, *args, members, community, **kwargs):
        super().__init__(*args, **kwargs)
        # Searched as the user types among the community's members: a select of all of them was
        # 474 KB and 13 s of a demand's page at ten times a district (issue 15).
        self.fields["member"].queryset = members.select_related("unit")
        picker(self.fields["member"], "pick_members", label=one_label(person_labels), need="edit", under=community.pk)

    def clean(self):
        data = super().clean()
        if bool(data.get("member")) == bool(data.get("name")) and not self.errors:
            raise forms.ValidationError(_("Choose a member or type a volunteer's name, not both."))
        return data


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Tracking code of the demand to merge into"), max_length=40)


class WithholdForm(forms.Form):
    withheld = forms.BooleanField(label=_("Withhold from the public board"), required=False)


class StaffVisitForm(VisitForm):
    """回访 by staff after a call."""
