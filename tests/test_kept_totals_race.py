"""Two writes to one key of kept totals at the same instant are both counted (the owning row's lock,
portal/core/kept.lock, PostgreSQL): two proposals in one community (the funnel's totals), two
service records in one project's month (the hours' totals), two members in one grid (the units'
kept counts)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from grids.models import UnitCount
from grids.services import unit_counts
from projects.models import MicroFunnelTotal, ServiceHoursTotal, ServiceRecord
from projects.services import funnel, hours
from tests import factory_volunteer as fv
from tests.factory import make_tree
from tests.factory_members import make_member
from tests.factory_micro import make_project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(monkeypatch, module, counter, write):
    """Run `write(i)` in two threads released together, with `module.counter` slowed: without the
    lock each write would count only its own uncommitted row, and the last replace would say 1."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers anyway")
    real = getattr(module, counter)

    def slow(*args):
        time.sleep(0.3)
        return real(*args)

    monkeypatch.setattr(module, counter, slow)
    barrier = threading.Barrier(2)
    errors = []

    def run(i):
        try:
            barrier.wait()
            write(i)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def test_two_proposals_in_one_community_are_both_counted(monkeypatch):
    tree = make_tree()
    _at_once(monkeypatch, funnel, "grouped_totals", lambda i: make_project(tree.community1, title=f"同时提出{i}"))
    assert MicroFunnelTotal.objects.get(community=tree.community1, status="proposed").projects == 2
    assert funnel.differences() == {}


def test_two_records_in_one_projects_month_are_both_counted(monkeypatch):
    tree = make_tree()
    activity = fv.make_activity(fv.make_project(tree.community1))
    volunteers = [fv.make_volunteer(tree.community1) for _ in range(2)]

    def serve(i):
        ServiceRecord.objects.create(activity=activity, volunteer=volunteers[i], hours=Decimal("2.00"))

    _at_once(monkeypatch, hours, "grouped_hours", serve)
    assert ServiceHoursTotal.objects.get(project=activity.project).hours == Decimal("4.00")
    assert hours.differences() == {}


def test_two_members_in_one_grid_are_both_counted(monkeypatch):
    tree = make_tree()
    _at_once(monkeypatch, unit_counts.Group, "counted", lambda i: make_member(tree.grid1, f"同时{i}"))
    assert UnitCount.objects.get(group="members", unit=tree.grid1).n == 2
    assert unit_counts.differences() == {}
