"""The demo's year of demands: deterministic figures, a realistic 满意率 (reopened demands are
redone and visited again: closed, or raised to the unit above), and every demand's history
leading to its status."""

from collections import Counter

import pytest
from django.urls import reverse

from grids.demo import demands, tree
from grids.models import Demand, DemandAction, DemandStatus, DemandTransition, Level, Satisfaction
from grids.services import demands_rates


@pytest.fixture
def seeded(db):
    tree.seed()
    demands.seed()


def test_the_demo_satisfaction_rate_counts_second_visits(seeded, client):
    figures = demands_rates.rates(Demand.objects.all())
    # Hand-countable from the records: 满意 + 基本满意 at the latest visit among those visited.
    visited = Demand.objects.exclude(satisfaction="")
    pleased = visited.filter(satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.FAIRLY))
    assert (figures.visited, figures.satisfied) == (visited.count(), pleased.count()) == (1547, 1415)
    assert figures.satisfaction_rate == 91.5
    assert client.get(reverse("open_stats")).json()["demands"]["satisfaction_rate"] == 91.5

    outcomes = Counter(Demand.objects.filter(reopen_count__gt=0).values_list("status", "reopen_count", "satisfaction"))
    assert outcomes == {
        (DemandStatus.IN_PROGRESS, 1, Satisfaction.UNSATISFIED): 98,  # still being redone
        (DemandStatus.CLOSED, 1, Satisfaction.SATISFIED): 74,  # redone, then pleased
        (DemandStatus.CLOSED, 1, Satisfaction.FAIRLY): 38,
        (DemandStatus.IN_PROGRESS, 2, Satisfaction.UNSATISFIED): 34,  # a second 不满意: raised
    }


def test_redone_and_raised_demands_have_the_history_of_the_workflow(seeded):
    for demand in Demand.objects.filter(reopen_count__gt=0).select_related("unit").prefetch_related("transitions"):
        steps = sorted(demand.transitions.all(), key=lambda step: (step.at, step.pk))
        actions = [step.action for step in steps]
        assert steps[-1].to_status == demand.status, demand.code
        assert actions.count(DemandAction.REOPEN) == 1
        if demand.status == DemandStatus.CLOSED:
            assert actions.count(DemandAction.HANDLE) == actions.count(DemandAction.VISIT) == 2
            assert demand.handled_at > demand.first_handled_at and demand.closed_at > demand.handled_at
        if demand.reopen_count == 2:
            escalation = steps[-1]
            assert escalation.action == DemandAction.ESCALATE and escalation.to_unit == demand.unit
            assert escalation.from_unit.level == Level.GRID and demand.unit.level == Level.COMMUNITY
            assert demand.supervising_unit == demand.unit and demand.supervised_at == escalation.at


def test_every_demo_demand_ends_its_history_in_its_status(seeded):
    last = {}
    for demand_id, to_status in DemandTransition.objects.order_by("at", "pk").values_list("demand_id", "to_status"):
        last[demand_id] = to_status
    assert last == dict(Demand.objects.values_list("pk", "status"))
