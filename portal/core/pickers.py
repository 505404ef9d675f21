"""The search-as-you-type picker: a form field that chooses one record among many (members,
volunteers, units, centers, posts) never renders the choices, only the chosen one (issue 15: the
volunteer form rendered 104,603 <option>s, 11.7 MB). A leaf module: it imports no app.

The widget is a plain text input holding the chosen id, so the form still submits an id with
scripts off; static/portal/pickers.js turns it into a Tom Select (static/vendor/tom-select)
that asks a scoped JSON endpoint (portal/pickers.py) as the user types. The field stays the
form's ModelChoiceField over the scoped queryset: the server still checks the id against it.
"""

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

PAGE = 20


class PickerInput(forms.TextInput):
    """<input name=... value=id data-picker=URL data-picker-label=label of the chosen record>."""

    def __init__(self, route, *, query=None, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})
        self.route, self.query = route, dict(query or {})

    def chosen_label(self, value):
        """The label of the chosen record (one query), through the field's own labels."""
        choices = getattr(self, "choices", None)
        queryset = getattr(choices, "queryset", None)
        if queryset is None or value in (None, ""):
            return ""
        text = str(value)
        if not (text.isascii() and text.isdigit() and len(text) <= 12):
            return ""
        record = queryset.filter(pk=int(text)).first()
        return choices.field.label_from_instance(record) if record is not None else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse(self.route)
        if self.query:
            url = f"{url}?{urlencode(self.query)}"
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-picker"] = url
        widget_attrs["data-picker-label"] = self.chosen_label(context["widget"]["value"])
        widget_attrs.setdefault("placeholder", str(_("Type to search")))
        return context


def picker(field, route, *, label=None, **query):
    """Make a ModelChoiceField a picker searching `route` (a URL name of portal/pickers.py) with
    the extra query parameters `query`; `label(record)` labels the chosen record."""
    field.widget = PickerInput(route, query=query)
    field.widget.choices = field.choices
    if label is not None:
        field.label_from_instance = label
    if not field.help_text:
        field.help_text = _(
            "Type a few characters and choose; without scripts, type the number shown in the list pages."
        )
    return field
