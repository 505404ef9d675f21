"""Forms of 组织关系转接: a letter out, a letter in from outside (with the member form), a return."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import TransferState
from ..services.transfers import find_unit
from .members import DateInput


class LetterFields(forms.Form):
    letter_number = forms.CharField(label=_("Letter number"), max_length=50)
    issued_on = forms.DateField(label=_("Date issued"), initial=timezone.localdate, widget=DateInput())
    dues_paid_until = forms.DateField(
        label=_("Dues paid up to (month)"), required=False, widget=DateInput(), help_text=_("Any day of the month.")
    )

    def clean_issued_on(self):
        issued_on = self.cleaned_data["issued_on"]
        if issued_on > timezone.localdate():
            raise forms.ValidationError(_("A letter cannot be dated in the future."))
        return issued_on


class IssueForm(LetterFields):
    # Typed, not picked: the receiving unit may lie anywhere in the district, and a list of every
    # unit of the district would show staff the whole tree beyond their scope.
    to_unit = forms.CharField(
        label=_("To a unit of the district"),
        max_length=200,
        required=False,
        help_text=_(
            "The grid branch or building group by its path, such as 梅岗社区/第1网格 or 梅岗社区/第1网格/11栋."
        ),
    )
    outside_org = forms.CharField(label=_("Or to an organisation outside the district"), max_length=150, required=False)
    field_order = ["to_unit", "outside_org", "letter_number", "issued_on", "dues_paid_until"]

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district

    def clean_to_unit(self):
        ref = self.cleaned_data["to_unit"]
        if not ref:
            return None
        unit = find_unit(self.district, ref)
        if unit is None:
            raise forms.ValidationError(_("No single grid branch or building group of the district has this path."))
        return unit


class LetterInForm(LetterFields):
    outside_org = forms.CharField(label=_("From the organisation outside the district"), max_length=150)
    field_order = ["outside_org", "letter_number", "issued_on", "dues_paid_until"]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why is the letter returned?"), max_length=200)
    # The letter's state when the page was opened: a decision taken on a page gone stale (another
    # staffer accepted the letter meanwhile) is refused with a message that says so.
    seen = forms.ChoiceField(choices=TransferState.choices, widget=forms.HiddenInput)

    def __init__(self, *args, transfer, **kwargs):
        super().__init__(*args, **kwargs)
        self.transfer = transfer
        self.fields["seen"].initial = transfer.state

    def clean(self):
        data = super().clean()
        if "seen" in data and data["seen"] != self.transfer.state:
            raise forms.ValidationError(
                _("This letter changed while the page was open (it is now %(state)s): reload the page.")
                % {"state": self.transfer.get_state_display()}
            )
        return data
