"""Field helpers and widgets shared by the volunteering forms (service, volunteers, activities)."""

from django import forms

from grids.forms.tree import label_units
from grids.services.tree import one_label, person_labels
from portal.core.pickers import picker


def unit_field(field, units):
    label_units(field, units.order_by("path"))


def center_field(field, centers):
    """Centers the view allows (the user's scope, plus the one already linked), searched as the
    user types: a tampered pk outside them is refused by the field ("select a valid choice")."""
    field.queryset = centers.select_related("owner").order_by("owner__path", "name", "pk")
    picker(field, "pick_centers", label=lambda center: f"{center.name}（{center.owner.name}）", need="edit")


def member_field(field, members):
    """Party members the view allows, searched as the user types. Labels: name, unit path below
    the district, masked mobile; never the ID-card number, never a full mobile."""
    field.queryset = members.select_related("unit").order_by("unit__path", "name", "pk")
    picker(field, "pick_members", label=one_label(person_labels), need="edit")


def team_label(team):
    """A team by its name and owning unit (two teams of different units may share a name)."""
    return f"{team.name}（{team.unit.name}）"


def team_field(field, teams):
    """Teams the view allows, several at once, searched as the user types: only the chosen ones
    are rendered (issue 15: every team in scope as a checkbox, 151 KB at ten times a district)."""
    field.queryset = teams.select_related("unit").order_by("name", "pk")
    picker(field, "pick_teams", label=team_label, need="edit")


def volunteer_field(field, volunteers):
    """Volunteers the view allows, searched as the user types (name, unit path, masked mobile)."""
    field.queryset = volunteers.select_related("unit")
    picker(field, "pick_volunteers", label=one_label(person_labels), need="edit")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
