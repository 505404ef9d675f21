"""Forms of the money of 民生微实事: spending (with its voucher), social investment, fund lines.

The rules that involve other rows (overruns, what is left of a line) live in
projects/services/funds.py.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from grids.forms.tree import label_units
from grids.models import Level
from portal.core.uploads import validate_document

from ..models.funds import FundLine
from .micro import money, no_markup

# A voucher is a PDF or an image, checked by its bytes (portal.core.uploads), stored under the
# extension the bytes prove by services.funds.record_expenditure.
validate_voucher = validate_document


class ExpenditureForm(forms.Form):
    amount = money(_("Amount (yuan)"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    payee = forms.CharField(label=_("Payee"), max_length=100, validators=[no_markup])
    note = forms.CharField(label=_("Note"), required=False, max_length=200, validators=[no_markup])
    voucher = forms.FileField(
        label=_("Voucher (image or PDF, optional)"), required=False, validators=[validate_voucher]
    )
    overrun_reason = forms.CharField(
        label=_("Overrun reason (administrators only, when spending passes the approved amount)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReversalForm(forms.Form):
    """The amount is typed again: a reversal of the wrong row is the mistake it would correct."""

    amount = forms.DecimalField(
        label=_("Amount of the entry reversed (yuan)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Type the amount of the entry shown above, to confirm it is the one to reverse."),
    )
    reason = forms.CharField(
        label=_("Reason for the reversal"),
        max_length=1000,
        help_text=_("Published with the reversal, next to the original entry."),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[no_markup],
    )

    def __init__(self, *args, expenditure, **kwargs):
        super().__init__(*args, **kwargs)
        self.expenditure = expenditure

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount != self.expenditure.amount:
            raise forms.ValidationError(_("This is not the amount of the entry shown above."))
        return amount


class SocialInvestmentForm(forms.Form):
    amount = money(_("Amount (yuan)"))
    source = forms.CharField(label=_("Source"), max_length=100, validators=[no_markup])
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=200, validators=[no_markup])


class FundLineForm(forms.ModelForm):
    class Meta:
        model = FundLine
        fields = ["unit", "category", "year", "amount", "note"]

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        label_units(self.fields["unit"], unit_choices, levels=[Level.DISTRICT, Level.STREET, Level.COMMUNITY])
