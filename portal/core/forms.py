"""Form helpers shared by every app. A leaf module: it imports no app."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField

from . import params


def add_service_errors(form, exc, default_field=None):
    """Show a service's ValidationError on the form, field by field where the field exists.

    Services validate across models and raise ValidationError({"field": ...}) or a plain
    message; either lands on the form the user is looking at, never as a 500.
    """
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else default_field, errors)
    else:
        form.add_error(default_field if default_field in form.fields else None, exc.messages)


class TypedOnlyBoundField(BoundField):
    """A personal number's field renders what was just typed and nothing else: never a stored
    number, never an initial value. A form that comes back with an error elsewhere keeps the
    number in its field (issue 13: the member was then saved without the mobile, unnoticed);
    the number is never echoed into the page otherwise (error messages do not quote it)."""

    def value(self):
        if not self.form.is_bound:
            return None
        return self.field.prepare_value(self.field.bound_data(self.data, None))


def personal_number_field(label, **kwargs):
    """A write-only text field for an ID-card or mobile number (see TypedOnlyBoundField)."""
    options = {"max_length": 20, "required": False, "strip": True, **kwargs}
    widget = forms.TextInput(attrs={"autocomplete": "off"})
    return forms.CharField(label=label, widget=widget, bound_field_class=TypedOnlyBoundField, **options)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many choice that refuses an id no integer column can hold.

    Django checks each chosen id with an exact lookup (which tolerates 99999999999999999999)
    and then fetches them all with `pk__in`, which SQLite cannot even bind: a 500. Ids are
    checked here first, as portal.core.params reads them (ASCII digits, within range).
    """

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk":
            for raw in value:
                pk = str(raw)
                if not params.is_digits(pk) or len(pk) > 12 or int(pk) > params.MAX_INT:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)
