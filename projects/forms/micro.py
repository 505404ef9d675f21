"""Forms of 民生微实事: the residents' proposal and the staff's workflow steps.

Forms check input and give the friendly message; the rules that involve other rows (caps,
what is left of a line) live in projects/services/micro.py.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from grids.models import Level, Unit
from portal.core.money import format_yuan
from portal.core.personal import validate_mobile

from ..models.funds import FundLine
from ..models.micro import MicroCategory, ProposerKind

# A proposal's amount: at least one fen, at most 1,000万 — far above any district cap
# (Futian 2016: 40万), so anything beyond is a typo or abuse.
MAX_REQUEST = Decimal("10000000.00")
MAX_MONEY = Decimal("999999999999.99")
TAG = re.compile(r"<[^>]*>|<\s*script", re.IGNORECASE)


def no_markup(value):
    if value and TAG.search(value):
        raise ValidationError(_("Please write plain text, without HTML tags."), code="markup")
    return value


def _over_maximum(maximum):
    return gettext("The amount cannot be more than %(limit_value)s yuan.") % {"limit_value": format_yuan(maximum)}


# The limit with thousands separators ("10,000,000.00"), translated when shown, not at import.
over_maximum = lazy(_over_maximum, str)


def money(label, maximum=MAX_MONEY, **extra):
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=maximum,
        error_messages={
            "min_value": _("The amount must be at least 0.01 yuan."),
            "max_value": over_maximum(maximum),
        },
        **extra,
    )


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        street = getattr(obj, "parent", None)
        return f"{street.name} · {obj.name}" if street else obj.name


def communities():
    return Unit.objects.filter(level=Level.COMMUNITY).select_related("parent").order_by("parent__name", "name")


class LocationMixin(forms.Form):
    latitude = forms.DecimalField(
        label=_("latitude (WGS-84)"), required=False, max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)], widget=forms.HiddenInput,
    )  # fmt: skip
    longitude = forms.DecimalField(
        label=_("longitude (WGS-84)"), required=False, max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)], widget=forms.HiddenInput,
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        return data


class ProposalForm(LocationMixin):
    """A resident's proposal (征集), on the public page."""

    name = forms.CharField(label=_("Your name"), max_length=50, validators=[no_markup])
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("Only staff see it, to contact you; it is never published."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    community = CommunityChoiceField(label=_("Community"), queryset=Unit.objects.none(), empty_label=_("Choose…"))
    title = forms.CharField(label=pgettext_lazy("micro-project", "Title"), max_length=100, validators=[no_markup])
    description = forms.CharField(
        label=_("What should be done, and why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_markup],
    )  # fmt: skip
    category = forms.ChoiceField(label=_("Category"), choices=MicroCategory.choices)
    requested_amount = money(_("Estimated cost (yuan)"), MAX_REQUEST)
    confirm_duplicate = forms.BooleanField(
        label=_("I have looked at the similar projects nearby and still want to propose this one."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities()

    def clean_mobile(self):
        return validate_mobile(self.cleaned_data["mobile"])


class StaffProposalForm(LocationMixin):
    """A proposal entered by staff, for themselves or for an organisation."""

    community = CommunityChoiceField(label=_("Community"), queryset=Unit.objects.none())
    title = forms.CharField(label=pgettext_lazy("micro-project", "Title"), max_length=100, validators=[no_markup])
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), validators=[no_markup]
    )
    category = forms.ChoiceField(label=_("Category"), choices=MicroCategory.choices)
    requested_amount = money(_("Requested amount (yuan)"), MAX_REQUEST)
    proposer_kind = forms.ChoiceField(
        label=_("Proposed by"),
        choices=[
            (ProposerKind.STAFF, ProposerKind.STAFF.label),
            (ProposerKind.ORGANISATION, ProposerKind.ORGANISATION.label),
        ],
    )
    proposer_organisation = forms.CharField(
        label=_("Organisation"), max_length=100, required=False, validators=[no_markup]
    )

    def __init__(self, *args, community_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = community_choices

    def clean(self):
        data = super().clean()
        if data.get("proposer_kind") == ProposerKind.ORGANISATION and not data.get("proposer_organisation"):
            self.add_error("proposer_organisation", _("Name the organisation."))
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Why is it withdrawn?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ResolutionMixin(forms.Form):
    resolution = forms.CharField(
        label=_("Council resolution"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    resolution_date = forms.DateField(label=_("Resolution date"), widget=forms.DateInput(attrs={"type": "date"}))


class ApproveForm(ResolutionMixin):
    amount = money(_("Approved amount (yuan)"))
    fund_line = forms.ModelChoiceField(label=_("Fund line"), queryset=FundLine.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the lines that may pay: 民生微实事 lines of the project's budget year, of its
        # community or above it (the district's line usually pays). A tampered pk is refused.
        self.fields["fund_line"].queryset = (
            FundLine.objects.can_pay(project).select_related("unit").order_by("unit__level", "unit__name")
        )
        self.initial.setdefault("amount", project.requested_amount)


class RejectForm(ResolutionMixin):
    reason = forms.CharField(
        label=_("Reason shown to the proposer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class StartForm(forms.Form):
    implementer = forms.CharField(label=_("Implementer"), max_length=100, validators=[no_markup])
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class MilestoneForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Milestone"), max_length=100, validators=[no_markup])
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class AcceptForm(forms.Form):
    accepted_date = forms.DateField(label=_("Acceptance date"), widget=forms.DateInput(attrs={"type": "date"}))
    result = forms.CharField(label=_("Result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
