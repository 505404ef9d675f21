"""The selection of the member list's actions: which action, which members (ticked in the list,
only among those the user can see), and whether the confirmation page was seen. What each action
needs beyond that is the form of the same action on one member's page (LeaveForm, MoveForm,
ReportForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import IdMultipleChoiceField

from ..services.members_bulk import MAX_SELECTED, BulkAction


class _Selection(IdMultipleChoiceField):
    def clean(self, value):
        # Counted before the ids are looked up: a request carrying thousands costs nothing.
        if value and len(value) > MAX_SELECTED:
            raise forms.ValidationError(
                _("Choose at most %(n)d members at once; for more, use an import.") % {"n": MAX_SELECTED}
            )
        return super().clean(value)


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[("", _("Choose an action"))] + BulkAction.choices)
    members = _Selection(
        label=_("Members"),
        queryset=None,
        error_messages={"required": _("Tick the members the action is for.")},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, member_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = member_choices
