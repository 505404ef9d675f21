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


def coverage(*, buildings, radius_m=COVERAGE_RADIUS_M):
    """Distance from every building group with coordinates to its nearest operating center.

    A constant number of queries whatever the number of building groups (the buildings, their
    streets and communities, the operating centers around them: see `nearest`), and work linear
    in the building groups. `buildings` is a Unit queryset already narrowed by the caller's scope.
    """
    buildings = list(
        buildings.filter(level=Level.BUILDING, latitude__isnull=False, longitude__isnull=False)
        .only("pk", "name", "path", "level", "latitude", "longitude")
        .order_by("path")
    )
    parent_ids = {pk for b in buildings for pk in b.ancestor_ids()[1:3]}
    parents = Unit.objects.only("pk", "name", "path").in_bulk(parent_ids)
    nearest = nearest_operating_many([(float(b.latitude), float(b.longitude)) for b in buildings])
    streets, communities, rows = {}, {}, []
    for building, center in zip(buildings, nearest, strict=True):
        street_id, community_id = building.ancestor_ids()[1:3]
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
