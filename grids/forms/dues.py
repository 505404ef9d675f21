"""Forms of 党费: set a member's dues for a year, record a payment, reverse one."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models.dues import DuesCategory, PaymentMethod, Relief
from .members import DateInput

MONTHS = [(m, str(m)) for m in range(1, 13)]


def _year_field():
    return forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )


def _money_field(label, **extra):
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2, min_value=Decimal("0.01"), **extra)


class AssessmentForm(forms.Form):
    year = _year_field()
    category = forms.ChoiceField(label=_("Category"), choices=DuesCategory.choices)
    pay_base = forms.CharField(
        label=_("Monthly pay base (yuan)"),
        max_length=20,
        required=False,
        help_text=_(
            "In work: the regular part of the monthly pay after tax; retired: the pension. Stored encrypted; "
            "leave empty to keep the stored base."
        ),
    )
    fixed_amount = _money_field(_("Farmer's monthly amount (yuan)"), required=False)
    relief = forms.ChoiceField(label=_("Relief"), choices=Relief.choices, required=False)
    relief_amount = _money_field(_("Reduced monthly amount (yuan)"), required=False)
    relief_reason = forms.CharField(label=_("Reason for the relief"), max_length=200, required=False)


class PaymentForm(forms.Form):
    year = _year_field()
    first_month = forms.TypedChoiceField(label=_("From month"), choices=MONTHS, coerce=int)
    last_month = forms.TypedChoiceField(label=_("To month"), choices=MONTHS, coerce=int)
    amount = _money_field(_("Amount (yuan)"))
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=64,
        required=False,
        help_text=_("The transaction number of a transfer or online payment."),
    )
    paid_on = forms.DateField(label=_("Date paid"), initial=timezone.localdate, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("A payment cannot be dated in the future."))
        return paid_on


class ReverseForm(forms.Form):
    """The amount is typed again: reversing the wrong payment is the mistake it would correct."""

    amount = forms.DecimalField(
        label=_("Amount of the payment reversed (yuan)"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Type the amount of the payment, to confirm it is the one to reverse."),
    )
    note = forms.CharField(label=_("Why is the payment reversed?"), max_length=200)

    def __init__(self, *args, payment, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment = payment

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount != self.payment.amount:
            raise forms.ValidationError(_("This is not the amount of the payment."))
        return amount
