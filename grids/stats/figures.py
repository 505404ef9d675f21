"""The building blocks of the staff dashboards (issue 12): a figure of a unit, known for each of
its child units, computed in a constant number of set-based queries whatever the tree's size.

A record hangs on the tree by a path of primary keys ("/1/12/340/"); the id just below the
parent's own ids names the child unit the record falls under. `rollup` groups the records by
their owning unit's path (one GROUP BY, at most one row per unit holding records) and adds the
rows up per child in Python, so a district's dashboard costs the same queries as a grid's.
Records owned by the unit itself (a street's own center) are kept under OWN, so that the child
rows of a drill-down always add up to the parent's figure.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

OWN = 0  # the key of the records owned by the unit itself rather than by a child


def depth(unit):
    return len(unit.path.strip("/").split("/"))


def child_of(path, parent_depth):
    """The id of the child unit a record with the owning unit's `path` falls under (or OWN)."""
    parts = path.strip("/").split("/")
    return int(parts[parent_depth]) if len(parts) > parent_depth else OWN


def rollup(queryset, path_lookup, parent, **aggregates):
    """{child id or OWN: {name: value}} of additive aggregates (Count, Sum) of the records of
    `queryset` under `parent`, in one query."""
    rows = (
        queryset.filter(**{f"{path_lookup}__startswith": parent.path})
        .values(path_lookup)
        .annotate(**aggregates)
        .order_by()
    )
    parent_depth = depth(parent)
    out = {}
    for row in rows:
        bucket = out.setdefault(child_of(row[path_lookup], parent_depth), dict.fromkeys(aggregates, 0))
        for name in aggregates:
            bucket[name] += row[name] or 0
    return out


def add_up(into, rows):
    """Add the rollup `rows` ({child: {name: value}}) into `into`, in place (two parts of one
    figure: kept totals of whole months or years, records of the days outside them)."""
    for child, values in rows.items():
        bucket = into.setdefault(child, dict.fromkeys(values, 0))
        for name, value in values.items():
            bucket[name] += value
    return into


def unit_records(figure_key):
    """The records behind a figure on the dashboards' own list of them, under the unit at any
    level (portal/dashboards/records.py): for records whose list cannot be narrowed to a unit."""
    return Records.of("dashboard_records", in_path=True, figure=figure_key)


def counts(choices, lookup, prefix):
    """Count aggregates, one per choice value: {f"{prefix}{value}": Count(filter=lookup=value)}."""
    return {f"{prefix}{value}": Count("pk", filter=Q(**{lookup: value})) for value in choices}


@dataclass(frozen=True)
class Records:
    """The staff page of the records behind a figure, for a unit: the URL named `name`, with the
    unit's pk as the query parameter its level takes in `by_level` ({level: parameter}; a level
    left out gets the page unfiltered) and the fixed `query`. Plain data rather than a closure,
    so that a section's figures can be kept in the shared cache (pickled)."""

    name: str
    by_level: tuple = ()  # ((level, parameter), ...)
    query: tuple = ()  # ((parameter, value), ...)
    in_path: bool = False  # the URL takes the unit's pk in its path (/staff/dashboard/<unit>/records/)
    fragment: str = ""  # a part of the page ("uncovered": the list beside the map)

    @classmethod
    def of(cls, name, *, unit=None, levels=None, in_path=False, fragment="", **query):
        """`unit="unit"`: the unit at every level; `levels={2: "street", ...}`: per level;
        `in_path`: the unit as the URL's argument; `fragment`: a part of the page."""
        by_level = tuple(sorted((levels or {}).items()))
        if unit:
            by_level = tuple((level, unit) for level in range(1, 6))
        return cls(name, by_level, tuple(query.items()), in_path, fragment)

    def __call__(self, unit):
        where = dict(self.by_level).get(unit.level)
        query = ({where: unit.pk} if where else {}) | dict(self.query)
        url = reverse(self.name, args=[unit.pk]) if self.in_path else reverse(self.name)
        url = f"{url}?{urlencode(query)}" if query else url
        return f"{url}#{self.fragment}" if self.fragment else url


@dataclass
class Figure:
    """One number of the dashboard, for the unit and for each child.

    `values` maps each child id (or OWN) to the figure; a rate also has `bases` (its
    denominator per child), and its value is the sum of values over the sum of bases.
    `records(unit)` gives the URL of the records behind the figure for a unit (or None)."""

    key: str
    label: str
    values: dict
    kind: str = "count"  # count, money, hours, rate
    bases: dict = None
    records: object = None
    compare: object = None  # the same figure over the same period a year before, if meaningful

    @property
    def numerator(self):
        return sum(self.values.values(), Decimal(0) if self.kind in ("money", "hours") else 0)

    @property
    def base(self):
        return sum(self.bases.values()) if self.bases is not None else None

    @property
    def value(self):
        if self.kind != "rate":
            return self.numerator
        return rate(self.numerator, self.base)

    def of(self, child):
        if self.kind != "rate":
            return self.values.get(child, 0)
        return rate(self.values.get(child, 0), self.bases.get(child, 0))


def rate(part, whole):
    """A share in percent with one decimal place, or None when there is nothing to share."""
    if not whole:
        return None
    return round(Decimal(part) * 100 / Decimal(whole), 1)


def figure(key, label, by_child, name, **options):
    """A Figure from a rollup's result: the aggregate `name` of each child."""
    return Figure(key, label, {child: row[name] for child, row in by_child.items()}, **options)


def rate_figure(key, label, by_child, part, whole, **options):
    return Figure(
        key,
        label,
        {child: row[part] for child, row in by_child.items()},
        kind="rate",
        bases={child: row[whole] for child, row in by_child.items()},
        **options,
    )


@dataclass
class Chart:
    """A chart and its table: `labels` along one axis, one list of numbers per series.
    `kind`: bar, line or pie (the vendored ECharts "simple" build draws these three)."""

    key: str
    title: str
    kind: str
    labels: list
    series: list  # [(name, [numbers])]
    figures: list = field(default_factory=list)  # figure keys behind the bars, for drill-down links
    unit: str = "count"  # what the numbers are, as Figure.kind: count, money, hours, rate

    @property
    def rows(self):
        """The chart's table: (label, [value of each series])."""
        return [(label, [data[i] for _name, data in self.series]) for i, label in enumerate(self.labels)]

    def as_json(self):
        return {
            "key": self.key,
            "title": str(self.title),
            "kind": self.kind,
            "labels": [str(label) for label in self.labels],
            "series": [{"name": str(name), "data": [_number(v) for v in data]} for name, data in self.series],
            "unit": self.unit,
        }


def figures_chart(key, title, kind, figures, series, *, before=None):
    """A chart of some figures of a section, one bar or slice each (their drill-down keys kept);
    `before` names a second series of the same figures a year before."""
    data = [(series, [f.value for f in figures])]
    if before:
        data.append((before, [f.compare.value for f in figures]))
    kinds = {f.kind for f in figures}
    unit = kinds.pop() if len(kinds) == 1 else "count"
    return Chart(key, title, kind, [f.label for f in figures], data, [f.key for f in figures], unit=unit)


def _number(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


@dataclass
class Section:
    key: str
    title: str
    figures: list
    charts: list = field(default_factory=list)
    tables: list = field(default_factory=list)  # (title, header, rows): rankings that are no figure
    note: str = ""
    # Points to show on a map beside the tables (portal.core.maps.point, WGS-84): the uncovered
    # building groups of the centers section.
    markers: list = field(default_factory=list)

    def figure(self, key):
        return next(f for f in self.figures if f.key == key)
