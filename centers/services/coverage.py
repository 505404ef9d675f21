"""1 km coverage: how far every building group lies from its nearest operating center."""

from dataclasses import dataclass, field

from grids.models import Level, Unit

from .nearby import COVERAGE_RADIUS_M
from .nearest import nearest_operating_many


@dataclass
class AreaCoverage:
    unit: Unit
    buildings: int = 0
    covered: int = 0
    uncovered: list = field(default_factory=list)

    @property
    def share(self):
        return self.covered / self.buildings if self.buildings else None


@dataclass
class Coverage:
    rows: list  # one dict per building group: unit, community, street, center, distance_m, covered
    streets: list
    communities: list

    @property
    def uncovered(self):
        return [row for row in self.rows if not row["covered"]]

    @property
    def share(self):
        return sum(row["covered"] for row in self.rows) / len(self.rows) if self.rows else None


@dataclass(frozen=True, slots=True)
class Building:
    """What the analysis reads of a building group: a tuple's cost, not a model instance's (the
    profile at 11,120 building groups spent a quarter of its time building Units)."""

    pk: int
    name: str
    path: str
    latitude: object  # Decimal, as stored
    longitude: object

    def __str__(self):
        return self.name


def coverage(*, buildings, radius_m=COVERAGE_RADIUS_M):
    """Distance from every building group with coordinates to its nearest operating center.

    A constant number of queries whatever the number of building groups (the buildings, their
    streets and communities, the operating centers around them: see `nearest`), and work linear
    in the building groups. `buildings` is a Unit queryset already narrowed by the caller's scope.
    """
    fields = ("pk", "name", "path", "latitude", "longitude")
    buildings = [
        Building(*values)
        for values in buildings.filter(level=Level.BUILDING, latitude__isnull=False, longitude__isnull=False)
        .order_by("path")
        .values_list(*fields)
    ]
    # district/street/community/grid/building: the street and the community are the 2nd and 3rd.
    areas = [building.path.strip("/").split("/")[1:3] for building in buildings]
    parents = Unit.objects.only("pk", "name", "path").in_bulk({int(pk) for pair in areas for pk in pair})
    nearest = nearest_operating_many([(float(b.latitude), float(b.longitude)) for b in buildings])
    streets, communities, rows = {}, {}, []
    for building, (street_id, community_id), center in zip(buildings, areas, nearest, strict=True):
        street_id, community_id = int(street_id), int(community_id)
        distance = center.distance_m if center else None
        row = {
            "unit": building,
            "street": parents.get(street_id),
            "community": parents.get(community_id),
            "center": center,
            "distance_m": distance,
            "covered": distance is not None and distance <= radius_m,
        }
        rows.append(row)
        for bucket, key in ((streets, street_id), (communities, community_id)):
            area = bucket.setdefault(key, AreaCoverage(parents.get(key)))
            area.buildings += 1
            area.covered += row["covered"]
            if not row["covered"]:
                area.uncovered.append(row)
    by_name = lambda area: area.unit.path if area.unit else ""  # noqa: E731
    return Coverage(rows, sorted(streets.values(), key=by_name), sorted(communities.values(), key=by_name))
