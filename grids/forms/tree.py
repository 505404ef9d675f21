"""Forms of the unit tree: a unit's own form, and unit choices labelled with their position."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Level, Unit
from ..services.tree import attach_full_names


def label_units(field, units):
    """Label a unit choice field with each unit's position ("福田区 / 华富街道 / 梅岗社区")."""
    labels = {unit.pk: unit.full_name_text for unit in attach_full_names(units)}
    field.label_from_instance = lambda unit: labels.get(unit.pk, unit.name)


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
            label_units(self.fields["parent"], parent_choices)
        if level < Level.GRID:
            del self.fields["org_kind"]
        if level != Level.BUILDING:
            del self.fields["latitude"]
            del self.fields["longitude"]
        else:
            self.fields["latitude"].help_text = _("WGS-84, as a phone's GPS gives it. Futian is about 22.50–22.58.")
            self.fields["longitude"].help_text = _("WGS-84. Futian is about 114.00–114.10.")
