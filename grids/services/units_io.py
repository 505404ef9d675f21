"""Grids and building groups of a community from Excel and back (issue 10, §3).

One row per unit: name, level (网格/楼栋), parent (blank for a grid: the community; for a
building group its grid, by name or path), Party organisation name and kind, division code,
coordinates (WGS-84). A unit already under the same parent with the same name is updated, so an
exported subtree imports back unchanged, and an edited export changes only what was edited.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from portal.core import exports

from ..models import Level, OrgKind, Unit
from .bulk_import import Importer, RowProblem, UnitFinder, allowed, choice_map, importer, words

FIELDS = ("org_name", "org_kind", "code", "latitude", "longitude")
LEVELS = {"网格": Level.GRID, "楼栋": Level.BUILDING, "楼群": Level.BUILDING, "楼栋党小组": Level.BUILDING}
SIX = Decimal("0.000001")


def community_of(unit):
    """The community a unit at or below community level belongs to (None above)."""
    if unit.level < Level.COMMUNITY:
        return None
    if unit.level == Level.COMMUNITY:
        return unit
    return Unit.objects.get(pk=unit.ancestor_ids()[Level.COMMUNITY - 1])


def _coordinate(text, low, high):
    try:
        value = Decimal(words(text))
    except InvalidOperation:
        return None
    if not value.is_finite() or not low <= value <= high:
        return None
    return value.quantize(SIX)


@importer
class UnitsImporter(Importer):
    name = "units"
    label = gettext_lazy("Grids and building groups")
    model = Unit
    COLUMNS = [
        ("name", pgettext_lazy("unit", "Name"), True),
        ("level", gettext_lazy("Level"), True),
        ("parent", gettext_lazy("Parent (grid name or path)"), False),
        ("org_name", gettext_lazy("Party organisation"), False),
        ("org_kind", gettext_lazy("Organisation kind"), False),
        ("code", gettext_lazy("Division code"), False),
        ("latitude", gettext_lazy("Latitude (WGS-84)"), False),
        ("longitude", gettext_lazy("Longitude (WGS-84)"), False),
    ]
    TEXT_INDEXES = (5,)

    def __init__(self, *, user, unit):
        super().__init__(user=user, unit=unit)
        self.community = community_of(unit)
        below = Unit.objects.under(self.community, include_self=False).only(
            "pk", "name", "level", "parent_id", "path", "code", *FIELDS
        )
        # Imported under a grid, only that grid's building groups: nothing beside it is touched.
        below = [u for u in below if u.path.startswith(unit.path)]
        self.grids = {u.name: u for u in below if u.level == Level.GRID}
        self.existing = {(u.parent_id, u.name): u for u in below}
        self.new_grids = {}  # name -> action of an earlier row
        self.seen = set()
        self.codes = {}  # code -> row number in this file
        self.kinds = choice_map(OrgKind)

    def _parent(self, level, text):
        key = UnitFinder.key(text)
        if level == Level.GRID:
            if self.unit.level != Level.COMMUNITY:
                return None, _("Under a grid only building groups are imported: import grids under the community.")
            if key in ("", self.community.name) or key.endswith("/" + self.community.name):
                return self.community, None
            return None, _("A grid belongs to the community itself: leave the parent blank.")
        grid_name = key.rsplit("/", 1)[-1]
        if not grid_name:
            return None, _("Give the grid this building group belongs to.")
        if grid_name in self.grids:
            return self.grids[grid_name], None
        if grid_name in self.new_grids:
            return self.new_grids[grid_name], None
        return None, _("No grid named %(name)s in %(community)s, in the rows above or already registered.") % {
            "name": grid_name,
            "community": self.community.name,
        }

    def read(self, cells, number):
        problems = []
        data = {"row": number}
        data["name"] = words(cells.get("name"))
        if len(data["name"]) > 100:
            problems.append(("name", _("Too long: at most %(n)d characters.") % {"n": 100}))
        level = LEVELS.get(words(cells.get("level")))
        if level is None:
            problems.append(("level", _("Write 网格 or 楼栋.")))
        data["level"] = level
        data["org_name"] = words(cells.get("org_name"))
        if len(data["org_name"]) > 150:
            problems.append(("org_name", _("Too long: at most %(n)d characters.") % {"n": 150}))
        kind = words(cells.get("org_kind"))
        data["org_kind"] = self.kinds.get(kind.lower(), None) if kind else ""
        if data["org_kind"] is None:
            problems.append(
                ("org_kind", _("Not one of the allowed values: %(values)s.") % {"values": allowed(OrgKind)})
            )
        data["code"] = words(cells.get("code"))
        if data["code"] and (not data["code"].isascii() or not data["code"].isdigit() or len(data["code"]) > 20):
            problems.append(("code", _("A division code is at most 20 digits.")))
        elif data["code"] in self.codes:
            problems.append(("code", _("This code is also on row %(row)d.") % {"row": self.codes[data["code"]]}))
        lat, lng = words(cells.get("latitude")), words(cells.get("longitude"))
        data["latitude"] = _coordinate(lat, -90, 90) if lat else None
        data["longitude"] = _coordinate(lng, -180, 180) if lng else None
        if lat and data["latitude"] is None:
            problems.append(("latitude", _("A latitude is a number between -90 and 90.")))
        if lng and data["longitude"] is None:
            problems.append(("longitude", _("A longitude is a number between -180 and 180.")))
        if bool(lat) != bool(lng):
            problems.append(
                ("latitude" if not lat else "longitude", _("Give both latitude and longitude, or neither."))
            )
        if level is not None:
            parent, problem = self._parent(level, cells.get("parent"))
            if problem:
                problems.append(("parent", problem))
            data["parent"] = parent
            key = (id(parent), data["name"])
            if not problem and key in self.seen:
                problems.append(("name", _("This unit is on an earlier row too.")))
            self.seen.add(key)
        if problems:
            return None, problems
        parent = data["parent"]
        data["unit"] = self.existing.get((parent.pk, data["name"])) if isinstance(parent, Unit) else None
        if data["code"]:
            self.codes[data["code"]] = number
        if level == Level.GRID and data["unit"] is None:
            self.new_grids[data["name"]] = data
        data["show"] = [data["name"], Level(level).label, parent.name if isinstance(parent, Unit) else parent["name"]]
        return data, []

    def write(self, actions):
        created = changed = 0
        for data in actions:
            parent = data["parent"]
            if isinstance(parent, dict):
                parent = parent["saved"]
            unit = data["unit"] or Unit(level=data["level"], parent=parent, name=data["name"])
            before = [getattr(unit, name) for name in FIELDS]
            for name in FIELDS:
                setattr(unit, name, data[name])
            is_new = unit.pk is None
            if not is_new and before == [getattr(unit, name) for name in FIELDS]:
                data["saved"] = unit
                continue
            if data["code"] and Unit.objects.filter(code=data["code"]).exclude(pk=unit.pk).exists():
                raise RowProblem(data["row"], "code", _("Another unit already has this division code."))
            try:
                unit.save()
            except IntegrityError:
                message = _("A unit with this name already exists under the same parent.")
                raise RowProblem(data["row"], "name", message) from None
            data["saved"] = unit
            created, changed = (created + 1, changed) if is_new else (created, changed + 1)
        return created, changed

    def template_rows(self):
        return [
            ["第1网格", "网格", "", "第1网格党支部", str(OrgKind.GRID_BRANCH.label), "", 31.778, 117.265],
            ["1栋", "楼栋", "第1网格", "1栋党小组", str(OrgKind.BUILDING_GROUP.label), "", 31.7782, 117.2651],
        ]

    def instructions(self):
        return [
            _("Level: 网格 or 楼栋. A grid's parent is blank; a building group's parent is its grid, by name."),
            _("Organisation kind: %(values)s.") % {"values": allowed(OrgKind)},
            _("A unit with the same name under the same parent is updated, not added again."),
        ]


def export_rows(unit):
    """The grids and building groups under `unit` (a community or a grid) in the import's format."""
    units = Unit.objects.under(unit).filter(level__gt=Level.COMMUNITY).select_related("parent").order_by("path")
    yield [str(label) for _key, label, _required in UnitsImporter.COLUMNS]
    for row in units:
        parent = "" if row.level == Level.GRID else row.parent.name
        lat, lng = row.latitude, row.longitude
        yield [
            row.name,
            "网格" if row.level == Level.GRID else "楼栋",
            parent,
            row.org_name,
            row.get_org_kind_display() if row.org_kind else "",
            row.code,
            float(lat) if lat is not None else None,
            float(lng) if lng is not None else None,
        ]


def export_workbook(unit):
    workbook = exports.new_workbook()
    rows = export_rows(unit)
    sheet = exports.add_sheet(workbook, str(UnitsImporter.label), next(rows), widths=[18] * 8)
    for row in rows:
        exports.append_row(sheet, row, text_columns={5})
    return exports.xlsx_bytes(workbook)
