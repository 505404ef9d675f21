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


def unit_paths(units):
    """{pk: "华富街道 / 梅岗社区 / 21栋"}: each unit's position below the district, in one query.
    How pickers and the admin name a unit (the name alone, "21栋", is found in every community)."""
    return {unit.pk: unit.full_name_text.split(" / ", 1)[-1] for unit in attach_full_names(units)}


def unit_path(unit):
    return unit_paths([unit]).get(unit.pk, unit.name)


def person_labels(people):
    """{pk: "张三 · 华富街道 / 梅岗社区 / 21栋 · 138****5678"} for members or volunteers (anything
    with name, unit and mobile_masked): never an ID-card number, never a full mobile."""
    people = list(people)
    paths = unit_paths({person.unit_id: person.unit for person in people}.values())
    return {
        person.pk: " · ".join(part for part in (person.name, paths.get(person.unit_id), person.mobile_masked) if part)
        for person in people
    }


def post_labels(posts):
    """{pk: "华富街道 / 梅岗社区 / 21栋 · 楼长助理 (1/2)"}; posts annotated by `with_claimed`."""
    posts = list(posts)
    paths = unit_paths({post.unit_id: post.unit for post in posts}.values())
    return {
        post.pk: f"{paths.get(post.unit_id, '')} · {post.name} ({getattr(post, 'n_claimed', 0)}/{post.capacity})"
        for post in posts
    }


def one_label(labels):
    """A label_from_instance for a picker: labels one record with a batch labeller."""
    return lambda record: labels([record]).get(record.pk, str(record))
