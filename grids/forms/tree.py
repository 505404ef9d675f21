"""Forms of the unit tree: a unit's own form, and unit choices labelled with their position."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.pickers import picker

from ..models import Level, Unit
from ..services.tree import one_label, unit_paths


def label_units(field, units, *, levels=(), need="edit"):
    """A unit choice field as a picker searching the scope's units (of `levels`, if given), each
    shown as its position ("华富街道 / 梅岗社区 / 21栋"); `units` stays the field's queryset, which
    checks the chosen id. Nothing is read until a unit is chosen."""
    field.queryset = units
    query = {"need": need}
    if levels:
        query["levels"] = ",".join(str(level) for level in levels)
    picker(field, "pick_units", label=one_label(unit_paths), **query)


class UnitForm(forms.ModelForm):
    """Create a unit under a given parent, or edit one (and move it within the user's scope)."""

    class Meta:
        model = Unit
        fields = ["parent", "name", "org_name", "org_kind", "code", "latitude", "longitude"]

    def __init__(self, *args, parent_choices, level, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.level = level
        if level == Level.DISTRICT:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = parent_choices
            self.fields["parent"].required = True
            label_units(self.fields["parent"], parent_choices, levels=[level - 1])
        if level < Level.GRID:
            del self.fields["org_kind"]
        if level != Level.BUILDING:
            del self.fields["latitude"]
            del self.fields["longitude"]
        else:
            self.fields["latitude"].help_text = _("WGS-84, as a phone's GPS gives it. Futian is about 22.50–22.58.")
            self.fields["longitude"].help_text = _("WGS-84. Futian is about 114.00–114.10.")
