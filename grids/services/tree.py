"""The unit tree read in bulk: display paths for many units in one query."""

from ..models import Unit


def attach_full_names(units):
    """Set `unit.full_name_text` ("福田区 / 华富街道 / 梅岗社区") on every unit, in one query."""
    units = list(units)
    ids = {pk for unit in units for pk in unit.ancestor_ids()}
    names = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    for unit in units:
        unit.full_name_text = " / ".join(names.get(pk, "?") for pk in unit.ancestor_ids())
    return units
