"""Field helpers and widgets shared by the volunteering forms (service, volunteers, activities)."""

from django import forms

from grids.services.tree import attach_full_names


def unit_field(field, units):
    field.queryset = units.order_by("path")
    labels = {unit.pk: unit.full_name_text for unit in attach_full_names(field.queryset)}
    field.label_from_instance = lambda unit: labels.get(unit.pk, unit.name)


def center_field(field, centers):
    """Centers the view allows (the user's scope, plus the one already linked): a tampered pk
    outside them is refused by the field ("select a valid choice"), nothing is saved."""
    field.queryset = centers.select_related("owner").order_by("owner__path", "name", "pk")
    field.label_from_instance = lambda center: f"{center.name}（{center.owner.name}）"


def member_field(field, members):
    """Party members the view allows. Labels: name, unit path below the district, masked
    mobile; never the ID-card number, never a full mobile."""
    field.queryset = members.select_related("unit").order_by("unit__path", "name", "pk")
    units = attach_full_names({member.unit_id: member.unit for member in field.queryset}.values())
    paths = {unit.pk: unit.full_name_text.split(" / ", 1)[-1] for unit in units}

    def label(member):
        parts = [member.name, paths.get(member.unit_id, member.unit.name), member.mobile_masked]
        return " · ".join(part for part in parts if part)

    field.label_from_instance = label


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
