"""Forms for staff accounts (/staff/accounts/). Passwords are never rendered back into a page; a
mobile number only as just typed, in its field, when the form comes back with an error."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.forms import personal_number_field
from portal.core.personal import validate_mobile

from ..models import Role
from ..services import accounts as account_services
from .tree import label_units


class PasswordFields(forms.Form):
    """Two password fields; both empty means "generate one" (shown once)."""

    password1 = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave both fields empty to generate a random password, shown once after saving."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1", ""), cleaned.get("password2", "")
        if first != second:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class _UnitRoleMixin:
    def _set_units(self, unit_choices):
        self.fields["unit"].queryset = unit_choices
        label_units(self.fields["unit"], unit_choices)


def _unit_field():
    return forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,
        help_text=_("Units in the part of the tree you manage."),
        error_messages={"invalid_choice": _("Choose a unit in the part of the tree you manage.")},
    )


def _role_field():
    return forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        initial=Role.STAFF,
        help_text=_("Administrator: manages records and staff accounts below; Staff: edits records; Read only."),
    )


class AccountCreateForm(_UnitRoleMixin, PasswordFields):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[get_user_model().username_validator],
        help_text=_("For signing in: letters, digits and @ . + - _ only."),
    )
    full_name = forms.CharField(label=pgettext_lazy("person", "Full name"), max_length=150)
    mobile = personal_number_field(_("Mobile number"))
    email = forms.EmailField(
        label=_("Email address"), required=False, help_text=_("For resetting a forgotten password by mail.")
    )
    unit = _unit_field()
    role = _role_field()

    field_order = ["username", "full_name", "mobile", "email", "unit", "role", "password1", "password2"]

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_units(unit_choices)
        self.fields["username"].widget.attrs["autocomplete"] = "off"

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if account_services.username_taken(username):
            raise forms.ValidationError(_("This username is taken: choose another."))
        return username

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        return validate_mobile(value) if value else ""


class AccountEditForm(forms.Form):
    full_name = forms.CharField(label=pgettext_lazy("person", "Full name"), max_length=150)
    mobile = personal_number_field(_("Mobile number"))
    email = forms.EmailField(
        label=_("Email address"), required=False, help_text=_("For resetting a forgotten password by mail.")
    )

    def __init__(self, *args, masked_mobile="", **kwargs):
        super().__init__(*args, **kwargs)
        if masked_mobile:
            self.fields["mobile"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {"masked": masked_mobile}

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        return validate_mobile(value) if value else ""


class AssignmentForm(_UnitRoleMixin, forms.Form):
    unit = _unit_field()
    role = _role_field()

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_units(unit_choices)


class PasswordResetForm(PasswordFields):
    pass
