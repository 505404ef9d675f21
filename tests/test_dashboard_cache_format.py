"""The dashboards keep their sections pickled in the shared cache under a key holding
portal.dashboards.FORMAT: a deployment whose classes changed shape must not unpickle sections
kept by the previous code. This pins the shape each FORMAT stands for, so that changing a class
a kept section holds (a field added, removed, renamed or retyped) fails here until FORMAT is
bumped and the new shape recorded under the new number.

The shape is that of every dataclass in a section, found two ways: those grids.stats.figures
defines, and those reached by walking the sections a dashboard really builds (so a new class
put into a section elsewhere is caught too)."""

import dataclasses
import inspect
from datetime import date, timedelta

from grids.stats import figures
from portal.core.periods import Period
from portal.dashboards import FORMAT, build
from tests.factory_dashboard import grow

# FORMAT → the shape it stands for. Record a new number with its shape; never edit an old one.
SHAPES = {
    2: {
        "grids.stats.figures.Chart": (
            ("key", "str"),
            ("title", "str"),
            ("kind", "str"),
            ("labels", "list"),
            ("series", "list"),
            ("figures", "list"),
            ("unit", "str"),
        ),
        "grids.stats.figures.Figure": (
            ("key", "str"),
            ("label", "str"),
            ("values", "dict"),
            ("kind", "str"),
            ("bases", "dict"),
            ("records", "object"),
            ("compare", "object"),
        ),
        "grids.stats.figures.Records": (
            ("name", "str"),
            ("by_level", "tuple"),
            ("query", "tuple"),
            ("in_path", "bool"),
            ("fragment", "str"),
        ),
        "grids.stats.figures.Section": (
            ("key", "str"),
            ("title", "str"),
            ("figures", "list"),
            ("charts", "list"),
            ("tables", "list"),
            ("note", "str"),
            ("markers", "list"),
        ),
    },
}


def _shape(cls):
    def name(kind):
        return kind if isinstance(kind, str) else kind.__name__

    return tuple((f.name, name(f.type)) for f in dataclasses.fields(cls))


def _reached(value, found):
    """Every dataclass reached from `value` through fields, lists, tuples, sets and dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found.add(type(value))
        for f in dataclasses.fields(value):
            _reached(getattr(value, f.name), found)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _reached(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _reached(key, found)
            _reached(item, found)
    return found


def test_the_cached_shape_is_the_one_its_format_number_stands_for(tree, people):
    grow(tree, 2)
    today = date.today()
    sections = build(tree.district, Period("range", today - timedelta(days=3 * 365), today))
    classes = _reached(sections, set())
    classes |= {cls for _name, cls in inspect.getmembers(figures, inspect.isclass) if dataclasses.is_dataclass(cls)}
    shape = {f"{cls.__module__}.{cls.__qualname__}": _shape(cls) for cls in classes}
    assert FORMAT in SHAPES, f"FORMAT {FORMAT} has no recorded shape: add SHAPES[{FORMAT}] = {shape!r}"
    assert shape == SHAPES[FORMAT], (
        "A class kept in the dashboards' cached sections changed shape: bump FORMAT in "
        "portal/dashboards/__init__.py and record the new shape under the new number."
    )


def test_each_format_number_stands_for_a_shape_of_its_own():
    shapes = [tuple(sorted(shape.items())) for shape in SHAPES.values()]
    assert len(set(shapes)) == len(shapes)
