"""Workflows across center models: nearby search with its fallback, 1 km coverage, photos."""

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Avg

from grids.models import Level, Unit
from portal.core.images import process_image

from .models import Center, Photo

COVERAGE_RADIUS_M = 1000  # the promise of shared/domain/000: a center within 1 km of everyone
MAX_RADIUS_M = 50_000
MAX_LIMIT = 50
FALLBACK_COUNT = 5
# Radii tried, in order, when nothing lies within the asked radius: each is one indexed query.
_WIDENING = (3_000, 10_000, 30_000, 100_000, 300_000)


def nearby(*, lat, lng, radius_m=COVERAGE_RADIUS_M, limit=20, queryset=None):
    """(centers within radius_m nearest first, within: bool).

    When none lies within radius_m, the nearest FALLBACK_COUNT found by widening the radius
    step by step (still the indexed query, never a full scan), with within=False.
    """
    qs = Center.objects.public() if queryset is None else queryset
    found = list(qs.near(lat, lng, radius_m)[:limit])
    if found:
        return found, True
    for radius in _WIDENING:
        if radius <= radius_m:
            continue
        found = list(qs.near(lat, lng, radius)[:FALLBACK_COUNT])
        if found:
            return found, False
    return [], False


def nearest_operating(*, lat, lng):
    """The nearest operating center and its distance, widening the search as needed."""
    for radius in (COVERAGE_RADIUS_M, *_WIDENING):
        center = Center.objects.operating().near(lat, lng, radius).only("pk", "name").first()
        if center is not None:
            return center
    return None


def unit_centroid(unit):
    """Average position of the building groups under a street or community (one query)."""
    point = (
        Unit.objects.under(unit)
        .filter(level=Level.BUILDING, latitude__isnull=False)
        .aggregate(lat=Avg("latitude"), lng=Avg("longitude"))
    )
    if point["lat"] is None:
        return None
    return float(point["lat"]), float(point["lng"])


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

    One indexed nearby query per building group (the same `near`), never an all-pairs loop.
    `buildings` is a Unit queryset already narrowed by the caller's scope.
    """
    buildings = list(buildings.filter(level=Level.BUILDING, latitude__isnull=False).order_by("path"))
    parent_ids = {pk for b in buildings for pk in b.ancestor_ids()[1:3]}
    parents = Unit.objects.in_bulk(parent_ids)
    streets, communities, rows = {}, {}, []
    for building in buildings:
        street_id, community_id = building.ancestor_ids()[1:3]
        center = nearest_operating(lat=float(building.latitude), lng=float(building.longitude))
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


@transaction.atomic
def add_photo(*, center, upload, caption=""):
    """Verify, resize and store a photo; raises ValidationError (nothing saved) on bad input."""
    display, thumb = process_image(upload)  # raises before anything touches the database or disk
    photo = Photo(center=center, caption=caption, position=center.photos.count())
    stem = uuid.uuid4().hex  # unguessable and collision-free across processes
    photo.image.save(f"{stem}.jpg", display, save=False)
    photo.thumbnail.save(f"{stem}-thumb.jpg", thumb, save=False)
    photo.save()
    return photo


def remove_photo(*, center, photo_pk):
    """Delete a photo of this center and, once the transaction commits, its two files."""
    photo = center.photos.filter(pk=photo_pk).first()
    if photo is None:
        return False
    files = [photo.image, photo.thumbnail]
    photo.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f.name])
    return True
