"""The dashboard's centers section: centers by kind and status, opening hours offered per week by
operating centers, and the 1 km coverage share as the latest coverage job stored it (the
analysis itself is the coverage job's; this only reads its result)."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grids.models import Job, JobStatus, Unit
from grids.stats.figures import (
    OWN,
    Figure,
    Records,
    Section,
    child_of,
    counts,
    depth,
    figure,
    figures_chart,
    rollup,
    unit_records,
)
from portal.core.maps import point

from ..models import Center, Kind, Status
from ..models.hours import OpeningInterval
from ..services.coverage_job import KIND as COVERAGE


def _hours(unit):
    """Opening hours per week of operating centers, per child: the database picks the intervals
    (one query, at most 14 a center), Python adds their lengths (portable across databases)."""
    intervals = (
        OpeningInterval.objects.filter(center__status=Status.OPERATING, center__owner__path__startswith=unit.path)
        .values_list("center__owner__path", "opens", "closes")
        .order_by()
    )
    parent_depth = depth(unit)
    hours = {}
    for path, opens, closes in intervals:
        length = datetime.combine(datetime.min, closes) - datetime.combine(datetime.min, opens)
        key = child_of(path, parent_depth)
        hours[key] = hours.get(key, 0) + int(length.total_seconds()) // 60
    # Decimal hours (exact for whole minutes to two places), like ServiceRecord hours.
    return {key: (Decimal(minutes) / 60).quantize(Decimal("0.01")) for key, minutes in hours.items()}


def latest_coverage(unit):
    """The latest finished coverage job run on the unit or a unit above it (None if none)."""
    ids = unit.ancestor_ids()
    prefixes = ["/" + "/".join(str(pk) for pk in ids[:n]) + "/" for n in range(1, len(ids) + 1)]
    return (
        Job.objects.filter(kind=COVERAGE, status=JobStatus.DONE, unit__path__in=prefixes)
        .order_by("-finished_at", "-pk")
        .first()
    )


def _coverage(unit, children):
    """(covered, buildings) per child from the stored result, matched by name (the job keeps
    streets and communities by name)."""
    job = latest_coverage(unit)
    covered, buildings = {}, {}
    if job is None:
        return covered, buildings, None
    result = job.result or {}
    areas = {a["name"]: a for a in result.get("streets", []) + result.get("communities", [])}
    by_name = {child.name: child.pk for child in children}
    if job.unit_id == unit.pk and unit.level == 1:
        rows = [(by_name.get(a["name"]), a) for a in result.get("streets", [])]
    elif unit.name in areas and unit.level == 3:
        rows = [(OWN, areas[unit.name])]
    else:
        rows = [(pk, areas[name]) for name, pk in by_name.items() if name in areas]
    for key, area in rows:
        key = OWN if key is None else key
        covered[key] = covered.get(key, 0) + area["covered"]
        buildings[key] = buildings.get(key, 0) + area["buildings"]
    return covered, buildings, job


def _uncovered(unit, children, job, limit=50):
    """The uncovered building groups of the stored result that lie under the unit (the result
    names their community), farthest first, each leading to the coverage page: the rows of the
    list and the points of the map beside it (the stored result keeps their WGS-84 position)."""
    rows = (job.result or {}).get("uncovered", [])
    if unit.level == 2:
        names = {child.name for child in children}
        rows = [row for row in rows if row.get("community") in names]
    elif unit.level == 3:
        rows = [row for row in rows if row.get("community") == unit.name]
    elif unit.level > 3:
        rows = []
    rows = sorted(rows, key=lambda row: -(row.get("distance_m") or 0))[:limit]
    url = reverse("staff_center_coverage")
    table = [(url, row["unit"], row.get("community", ""), _metres(row.get("distance_m"))) for row in rows]
    markers = [
        point(
            row["lat"],
            row["lng"],
            f"{row.get('community', '')} {row['unit']}",
            f"{_metres(row.get('distance_m'))} m",
            url,
        )
        | {"uncovered": True}
        for row in rows
        if row.get("lat") is not None and row.get("lng") is not None
    ]
    return table, markers


def _metres(distance):
    return "–" if distance is None else f"{distance:,.0f}"


def centers_dashboard(unit, period):
    aggregates = {"total": Count("pk")}
    aggregates |= counts(Kind.values, "kind", "kind_")
    aggregates |= counts(Status.values, "status", "status_")
    rows = rollup(Center.objects.all(), "owner__path", unit, **aggregates)
    figures = [figure("centers.total", _("Service centers"), rows, "total", records=unit_records("centers.total"))]
    figures += [
        figure(f"centers.{key}", label, rows, key, records=unit_records(f"centers.{key}"))
        for key, label in [(f"kind_{v}", label) for v, label in Kind.choices]
        + [(f"status_{v}", label) for v, label in Status.choices]
    ]
    hours = unit_records("centers.hours")
    figures.append(Figure("centers.hours", _("Opening hours per week"), _hours(unit), kind="hours", records=hours))
    children = list(Unit.objects.filter(parent=unit).only("pk", "name"))
    covered, buildings, job = _coverage(unit, children)
    # The uncovered building groups under the unit: the list beside the map on its dashboard.
    coverage_url = Records.of("dashboard", in_path=True, fragment="uncovered")
    figures.append(
        Figure(
            "centers.coverage",
            _("Building groups within 1 km of a center"),
            covered,
            kind="rate",
            bases=buildings,
            records=coverage_url,
        )
    )
    section = Section("centers", _("Service centers"), figures)
    if job is None:
        section.note = _("No 1 km coverage analysis has been run for this unit yet.")
    else:
        section.note = _("1 km coverage as analysed on %(day)s.") % {"day": f"{job.finished_at:%Y-%m-%d}"}
        header = (_("Building group"), _("Community"), _("Metres to the nearest center"))
        table, section.markers = _uncovered(unit, children, job)
        section.tables.append((_("Building groups farther than 1 km from a center"), header, table))
    kinds = [section.figure(f"centers.kind_{v}") for v in Kind.values]
    statuses = [section.figure(f"centers.status_{v}") for v in Status.values]
    section.charts += [
        figures_chart("centers-kind", _("Centers by kind"), "pie", kinds, _("Centers")),
        figures_chart("centers-status", _("Centers by status"), "bar", statuses, _("Centers")),
    ]
    return section
