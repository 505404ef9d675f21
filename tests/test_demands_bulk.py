"""The queue's actions on ticked demands (/staff/demands/bulk/): a confirmation page, then every
ticked demand accepted or transferred through the one-demand workflow, or none of them, with
every refusal named by its tracking code."""

import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from grids.models import Demand, DemandAction, DemandStatus, DemandTransition
from grids.services import demands_bulk as bulk
from grids.services.demands_bulk import MAX_SELECTED
from tests import factory_demands as fd
from tests.factory import make_tree, make_user


def _post(client, demands, action, confirm=True, **fields):
    data = {"action": action, "demands": [d.pk for d in demands], **fields}
    if confirm:
        data["confirm"] = "1"
    return client.post(reverse("demand_bulk"), data)


def _statuses(demands):
    return [Demand.objects.get(pk=d.pk).status for d in demands]


def test_the_queue_offers_ticks_and_the_actions_to_staff_only(client_for, tree, people):
    demand = fd.make_demand(tree.community1)
    page = client_for(people.meigang).get(reverse("demand_queue")).content.decode()
    assert f'name="demands" value="{demand.pk}"' in page and 'value="transfer"' in page
    page = client_for(people.viewer).get(reverse("demand_queue")).content.decode()
    assert demand.code in page and 'name="demands"' not in page


def test_accept_shows_a_confirmation_then_accepts_every_ticked_demand(client_for, tree, people):
    client = client_for(people.meigang)
    demands = [fd.make_demand(tree.community1, f"诉求{n}") for n in range(3)]
    page = _post(client, demands, "accept", confirm=False)
    assert page.status_code == 200
    text = page.content.decode()
    assert all(d.code in text for d in demands) and 'name="confirm" value="1"' in text
    assert _statuses(demands) == [DemandStatus.PENDING] * 3  # nothing yet

    response = _post(client, demands, "accept")
    assert response.status_code == 302 and response["Location"] == reverse("demand_queue")
    assert _statuses(demands) == [DemandStatus.ACCEPTED] * 3
    steps = DemandTransition.objects.filter(action=DemandAction.ACCEPT, demand__in=demands)
    assert sorted(steps.values_list("demand_id", "actor_id")) == sorted((d.pk, people.meigang.pk) for d in demands)
    assert all(d.handling_due for d in Demand.objects.filter(pk__in=[d.pk for d in demands]))


def test_one_refused_demand_changes_none_and_is_named(client_for, tree, people):
    client = client_for(people.meigang)
    pending = [fd.make_demand(tree.community1, f"诉求{n}") for n in range(2)]
    accepted = fd.make_demand(tree.community1, "已受理的诉求", status="accepted")
    response = _post(client, [*pending, accepted], "accept")
    assert response.status_code == 400
    text = response.content.decode()
    alert = re.search(r'<div class="alert alert-block alert-danger">(.*?)</div>', text, re.S).group(1)
    assert accepted.code in alert and "已受理" in alert
    assert not any(d.code in alert for d in pending)
    assert _statuses(pending) == [DemandStatus.PENDING] * 2
    assert not DemandTransition.objects.filter(action=DemandAction.ACCEPT, demand__in=pending).exists()


def test_transfer_assigns_every_ticked_demand_to_a_grid_of_the_scope(client_for, tree, people):
    client = client_for(people.meigang)
    demands = [fd.make_demand(tree.community1, f"诉求{n}") for n in range(2)]
    page = _post(client, demands, "transfer", confirm=False).content.decode()
    assert 'name="to_unit"' in page and 'name="reason"' in page and "转派给" in page

    response = _post(client, demands, "transfer", to_unit=tree.grid1.pk, reason="归口第1网格")
    assert response.status_code == 302
    assert [Demand.objects.get(pk=d.pk).unit_id for d in demands] == [tree.grid1.pk] * 2
    steps = DemandTransition.objects.filter(action=DemandAction.TRANSFER, demand__in=demands)
    assert sorted(steps.values_list("to_unit_id", "note")) == [(tree.grid1.pk, "归口第1网格")] * 2


def test_transfer_needs_a_reason_and_a_unit_of_the_scope(client_for, tree, people):
    client = client_for(people.meigang)
    demands = [fd.make_demand(tree.community1)]
    for fields in ({"to_unit": tree.grid1.pk, "reason": ""}, {"to_unit": tree.grid2.pk, "reason": "转派"}):
        assert _post(client, demands, "transfer", **fields).status_code == 400
    assert [Demand.objects.get(pk=d.pk).unit_id for d in demands] == [tree.community1.pk]
    assert not DemandTransition.objects.filter(action=DemandAction.TRANSFER).exists()


def test_a_demand_out_of_sight_or_without_edit_is_refused(client_for, tree, people):
    outside = fd.make_demand(tree.community2)
    inside = fd.make_demand(tree.community1)
    assert _post(client_for(people.meigang), [inside, outside], "accept").status_code == 400
    assert _post(client_for(people.viewer), [inside], "accept").status_code == 403
    assert _statuses([inside, outside]) == [DemandStatus.PENDING] * 2


def test_bad_selections_are_refused_with_a_message(client_for, tree, people):
    client = client_for(people.meigang)
    demand = fd.make_demand(tree.community1)
    for data in (
        {"action": "accept"},
        {"action": "delete", "demands": [demand.pk]},
        {"action": "accept", "demands": ["x"]},
        {"action": "accept", "demands": ["99999999999999999999"]},
        {"action": "accept", "demands": [str(n) for n in range(MAX_SELECTED + 1)]},
    ):
        response = client.post(reverse("demand_bulk"), data)
        assert response.status_code == 400, data
        assert 'class="alert alert-danger"' in response.content.decode()
    assert _statuses([demand]) == [DemandStatus.PENDING]
    assert client.get(reverse("demand_bulk")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_staff_accepting_overlapping_selections_at_once_one_wins_whole():
    # [a, b] against [b, c]: b can be accepted once, so one whole selection wins and the other
    # changes nothing (not even its demand that nobody else touched).
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    tree = make_tree()
    first, second = make_user("first", tree.community1), make_user("second", tree.community1)
    a, b, c = (fd.make_demand(tree.community1, f"诉求{n}") for n in range(3))
    barrier = threading.Barrier(2)
    results = {}

    def accept(user, demands):
        try:
            barrier.wait()
            bulk.accept(demands=demands, by=user)
            results[user.username] = "won"
        except ValidationError:
            results[user.username] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=args) for args in ((first, [a, b]), (second, [c, b]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == ["refused", "won"]
    won = [a, b] if results["first"] == "won" else [b, c]
    lost = c if results["first"] == "won" else a
    assert _statuses(won) == [DemandStatus.ACCEPTED] * 2 and _statuses([lost]) == [DemandStatus.PENDING]
    assert DemandTransition.objects.filter(action=DemandAction.ACCEPT).count() == 2
