"""Function-room forms: a center's rooms with their areas and capacities."""

from django.forms import inlineformset_factory

from ..models import Center, Room

RoomFormSet = inlineformset_factory(Center, Room, fields=["kind", "name", "area", "capacity"], extra=2, can_delete=True)
