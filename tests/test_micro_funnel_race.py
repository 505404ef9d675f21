"""Two proposals in one community at the same instant: the funnel's kept totals count both (the
community's row lock in services/funnel.py, PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection

from projects.models import MicroFunnelTotal
from projects.services import funnel
from tests.factory import make_tree
from tests.factory_micro import make_project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_writes_to_one_key_are_both_counted(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers anyway")
    tree = make_tree()
    # Widen the window between each write's insert and its count: without the lock each would
    # count only its own uncommitted project, and the last upsert would say 1.
    real = funnel.grouped_totals

    def slow(projects, spending):
        time.sleep(0.3)
        return real(projects, spending)

    monkeypatch.setattr(funnel, "grouped_totals", slow)
    barrier = threading.Barrier(2)
    errors = []

    def propose(i):
        try:
            barrier.wait()
            make_project(tree.community1, title=f"同时提出{i}")
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=propose, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert MicroFunnelTotal.objects.get(community=tree.community1, status="proposed").projects == 2
    assert funnel.differences() == {}
