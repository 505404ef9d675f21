"""Two staff approving the last money at the same instant: exactly one wins (PostgreSQL row lock)."""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from projects.models.funds import FundLine
from projects.models.micro import MicroProject, MicroStatus
from projects.services import micro as services
from tests.factory import make_tree
from tests.factory_micro import make_line, make_project, reviewing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no SELECT ... FOR UPDATE and serialises all writers anyway")


def test_two_approvals_racing_for_the_last_money(postgres_only, monkeypatch):
    tree = make_tree()
    line = make_line(tree.district, amount="1000.00")
    projects = [reviewing(make_project(tree.community1, title=f"抢最后的钱{i}")) for i in range(2)]

    # Widen the window between reading what is left and writing the approval: without the
    # row lock both would read 1,000.00 and both would be approved.
    real_left = services.fund_line_left

    def slow_left(line):
        left = real_left(line)
        time.sleep(0.3)
        return left

    monkeypatch.setattr(services, "fund_line_left", slow_left)
    barrier = threading.Barrier(2)
    results = {}

    def approve(project):
        try:
            barrier.wait()
            services.approve(
                project=project, actor=None, amount=Decimal("800.00"), fund_line=line, resolution="通过",
                resolution_date=date(2026, 3, 1),
            )  # fmt: skip
            results[project.pk] = "won"
        except ValidationError as exc:
            results[project.pk] = exc.messages[0]
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=approve, args=(p,)) for p in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values(), key=lambda v: v != "won")[0] == "won"
    assert list(results.values()).count("won") == 1, results
    loser = next(v for v in results.values() if v != "won")
    assert "只剩 200.00 元" in loser
    assert MicroProject.objects.filter(status=MicroStatus.APPROVED).count() == 1
    assert FundLine.objects.with_left().get(pk=line.pk).left == Decimal("200.00")


def test_many_approvals_never_overspend(postgres_only):
    tree = make_tree()
    line = make_line(tree.district, amount="1000.00")
    projects = [reviewing(make_project(tree.community1, title=f"项目{i}")) for i in range(6)]
    barrier = threading.Barrier(len(projects))

    def approve(project):
        try:
            barrier.wait()
            services.approve(
                project=project, actor=None, amount=Decimal("300.00"), fund_line=line, resolution="通过",
                resolution_date=date(2026, 3, 1),
            )  # fmt: skip
        except ValidationError:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(p,)) for p in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert MicroProject.objects.filter(status=MicroStatus.APPROVED).count() == 3
    assert FundLine.objects.with_left().get(pk=line.pk).left == Decimal("100.00")


def test_two_reversals_of_the_same_expenditure_racing(postgres_only):
    from django.utils.translation import gettext

    from projects.models.funds import Expenditure
    from projects.services import funds as fund_services
    from tests.factory_micro import expenditure_in

    tree = make_tree()
    original = expenditure_in(tree.community1)
    barrier = threading.Barrier(2)
    results = []

    def reverse_it(reason):
        try:
            barrier.wait()
            fund_services.reverse_expenditure(expenditure=original, actor=None, reason=reason)
            results.append("won")
        except ValidationError as exc:
            results.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=reverse_it, args=(f"冲正{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    already = gettext("This expenditure has already been reversed.")
    assert sorted(results, key=lambda r: r != "won") == ["won", already], results
    assert Expenditure.objects.filter(reverses=original).count() == 1
    assert original.project.spent_total() == 0
