"""The selection of the queue's actions: which action, which demands (ticked in the queue, only
among those the user can see), and whether the confirmation page was seen. What an action needs
beyond that is the form of the same step on a demand's page (AcceptForm, TransferForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import IdMultipleChoiceField

from ..services.demands_bulk import MAX_SELECTED, BulkAction


class _Selection(IdMultipleChoiceField):
    def clean(self, value):
        # Counted before the ids are looked up: a request carrying thousands costs nothing.
        if value and len(value) > MAX_SELECTED:
            raise forms.ValidationError(_("Choose at most %(n)d demands at once.") % {"n": MAX_SELECTED})
        return super().clean(value)


class DemandBulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[("", _("Choose an action"))] + BulkAction.choices)
    demands = _Selection(
        label=_("Demands"),
        queryset=None,
        error_messages={"required": _("Tick the demands the action is for.")},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, demand_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demands"].queryset = demand_choices
