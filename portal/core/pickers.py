"""The search-as-you-type picker: a form field that chooses one record among many (members,
volunteers, units, centers, posts) never renders the choices, only the chosen one (issue 15: the
volunteer form rendered 104,603 <option>s, 11.7 MB). A leaf module: it imports no app.

The widget is a plain text input holding the chosen id, so the form still submits an id with
scripts off; static/portal/pickers.js turns it into a Tom Select (static/vendor/tom-select)
that asks a scoped JSON endpoint (portal/pickers.py) as the user types. The field stays the
form's ModelChoiceField over the scoped queryset: the server still checks the id against it.
"""

import json
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


class MultiPickerInput(PickerInput):
    """Several records: <input value="id,id" data-picker-multiple data-picker-chosen=JSON labels>.
    Only the chosen records are rendered (one query for all of them), never the scope. The
    submitted ids come as one comma-separated value (the picker, or typed without scripts) or as
    repeated values; the field's IdMultipleChoiceField checks each against its queryset."""

    def format_value(self, value):
        if value in (None, ""):
            return ""
        values = value if isinstance(value, list | tuple) else [value]
        return ",".join(str(getattr(item, "pk", item)) for item in values)

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if hasattr(data, "getlist") else [data.get(name) or ""]
        return [part.strip() for item in raw for part in str(item).split(",") if part.strip()]

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def chosen(self, text):
        """[{"id", "text"}] of the chosen ids the field's queryset holds, in one query."""
        choices = getattr(self, "choices", None)
        queryset = getattr(choices, "queryset", None)
        ids = [int(part) for part in text.split(",") if part.isascii() and part.isdigit() and len(part) <= 12]
        if queryset is None or not ids:
            return []
        label = choices.field.label_from_instance
        return [{"id": record.pk, "text": label(record)} for record in queryset.filter(pk__in=ids[:100])]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.pop("data-picker-label", None)
        widget_attrs["data-picker-multiple"] = "1"
        chosen = self.chosen(context["widget"]["value"] or "")
        widget_attrs["data-picker-chosen"] = json.dumps(chosen, ensure_ascii=False)
        widget_attrs["inputmode"] = "text"
        return context

    def chosen_label(self, value):
        return ""  # the labels of several records go in data-picker-chosen


def picker(field, route, *, label=None, **query):
    """Make a ModelChoiceField a picker searching `route` (a URL name of portal/pickers.py) with
    the extra query parameters `query`; `label(record)` labels the chosen record."""
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    field.widget = (MultiPickerInput if multiple else PickerInput)(route, query=query)
    field.widget.choices = field.choices
    if label is not None:
        field.label_from_instance = label
    if not field.help_text:
        field.help_text = _(
            "Type a few characters and choose; without scripts, type the number shown in the list pages."
        )
    return field
