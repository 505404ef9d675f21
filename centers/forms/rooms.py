"""Function-room forms: a center's rooms with their areas and capacities."""

from django.forms import inlineformset_factory

from ..models import Center, Room

# A posted TOTAL_FORMS is believed up to absolute_max: Django's default (2,000 forms) lets one
# request make the server build and render thousands of rows. No center has more than this.
MAX_ROOMS = 100

RoomFormSet = inlineformset_factory(
    Center,
    Room,
    fields=["kind", "name", "area", "capacity"],
    extra=2,
    can_delete=True,
    max_num=MAX_ROOMS,
    absolute_max=MAX_ROOMS,
    validate_max=True,
)
