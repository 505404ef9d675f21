"""manage.py seed_scale: a district's data times a factor, in bulk, additive (sizes shrunk here)."""

import io

import pytest
from django.core.management import CommandError, call_command

from grids.demo import scale as grids_scale
from grids.models import Level, Member, Unit
from projects.demo import scale as projects_scale
from projects.models import Activity, MicroProject, ServiceRecord, Volunteer, VolunteerTeam
from tests.factory_micro import make_line


@pytest.fixture
def small_sizes(monkeypatch):
    for module, name, value in [
        (grids_scale, "BUILDINGS_PER_FACTOR", 3),
        (grids_scale, "MEMBERS_PER_FACTOR", 30),
        (projects_scale, "MICRO_PER_FACTOR", 20),
        (projects_scale, "PROJECTS_PER_FACTOR", 4),
        (projects_scale, "TEAMS_PER_FACTOR", 3),
        (projects_scale, "VOLUNTEERS_PER_FACTOR", 12),
        (projects_scale, "ACTIVITIES_PER_FACTOR", 10),
    ]:
        monkeypatch.setattr(module, name, value)
    monkeypatch.setattr(grids_scale, "BATCH", 7)
    monkeypatch.setattr(projects_scale, "BATCH", 7)


def _counts():
    return (
        Unit.objects.filter(level=Level.BUILDING).count(),
        Member.objects.count(),
        MicroProject.objects.count(),
        VolunteerTeam.objects.count(),
        Volunteer.objects.count(),
        Activity.objects.count(),
        ServiceRecord.objects.count(),
    )


def test_seed_scale_fills_each_table_to_the_factor_and_adds_nothing_twice(tree, small_sizes):
    make_line(tree.district)
    call_command("seed_scale", "--factor", "2", stdout=io.StringIO())
    assert _counts() == (6, 60, 40, 6, 24, 20, 100)
    buildings = Unit.objects.filter(level=Level.BUILDING).exclude(pk__in=[tree.building1.pk, tree.building2.pk])
    assert all(unit.path == f"{unit.parent.path}{unit.pk}/" for unit in buildings)
    call_command("seed_scale", "--factor", "2", stdout=io.StringIO())
    assert _counts() == (6, 60, 40, 6, 24, 20, 100)
    assert MicroProject.objects.filter(approved_amount__isnull=False).exists()


def test_seed_scale_dry_run_writes_nothing_and_refuses_a_bad_factor(tree, small_sizes):
    before = _counts()
    call_command("seed_scale", "--factor", "1", "--dry-run", stdout=io.StringIO())
    assert _counts() == before
    with pytest.raises(CommandError):
        call_command("seed_scale", "--factor", "0", stdout=io.StringIO())
