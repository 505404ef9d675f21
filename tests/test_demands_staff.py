"""Staff pages of residents' demands: the steps through the page, the queue's filters and
countdowns, the rates against hand counts, notifications."""

import datetime as dt

from django.urls import reverse

from grids.models import Demand, DemandStatus, Notification, Satisfaction
from grids.services import demands as flow
from grids.services import demands_rates as rates
from grids.services import workdays
from tests import factory_demands as fd


def _step(client, demand, step, **fields):
    data = {"step": step, **{f"{step}-{key}": value for key, value in fields.items()}}
    return client.post(reverse("demand_act", args=[demand.pk]), data)


def test_a_demand_goes_through_the_page_from_acceptance_to_closing(client_for, tree, people):
    client = client_for(people.meigang)
    demand = fd.make_demand(tree.community1)
    for step, fields in [
        ("accept", {}),
        ("start", {}),
        ("note", {"note": "已上门查看"}),
        ("handle", {"reply": "已修好"}),
        ("visit", {"satisfaction": Satisfaction.FAIRLY}),
    ]:
        response = _step(client, demand, step, **fields)
        assert response.status_code == 302, (step, response.content.decode()[:2000])
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CLOSED and demand.reply == "已修好" and demand.owner == people.meigang


def test_an_illegal_step_through_the_page_is_refused_with_its_message(client_for, tree, people):
    demand = fd.make_demand(tree.community1)
    response = _step(client_for(people.meigang), demand, "handle", reply="已修好")
    assert response.status_code == 400
    assert Demand.objects.get(pk=demand.pk).status == DemandStatus.PENDING


def test_the_viewer_sees_the_page_without_steps_and_cannot_act(client_for, tree, people):
    demand = fd.make_demand(tree.community1)
    client = client_for(people.viewer)
    page = client.get(reverse("demand_staff_detail", args=[demand.pk])).content.decode()
    assert 'name="step"' not in page
    assert _step(client, demand, "accept").status_code == 403


def test_the_queue_shows_countdowns_and_filters_overdue(client_for, tree, people):
    late = fd.make_demand(tree.community1, "早就该受理", now=dt.datetime(2026, 1, 5, 9, tzinfo=workdays.SHANGHAI))
    fresh = fd.make_demand(tree.community1, "刚提交")
    client = client_for(people.huafu)
    page = client.get(reverse("demand_queue")).content.decode()
    assert late.title in page and fresh.title in page
    page = client.get(reverse("demand_queue"), {"view": "overdue"}).content.decode()
    assert late.title in page and fresh.title not in page


def test_new_demands_notify_the_units_staff(tree, people):
    fd.make_demand(tree.community1)
    assert Notification.objects.filter(user=people.meigang, kind="demand_new").count() == 1
    assert not Notification.objects.filter(user=people.huafu).exists()  # assigned to the street, not the unit


def _at(day, hour):
    return dt.datetime(2026, 3, day, hour, tzinfo=workdays.SHANGHAI)


def test_the_three_rates_agree_with_hand_counts(tree, people):
    cat = fd.category(tree.community1, response_hours=24, handling_days=2)
    # 1: accepted in 2 h, handled the same day, satisfied.
    a = fd.make_demand(tree.community1, cat=cat, now=_at(2, 9))
    flow.accept(demand=a, actor=None, now=_at(2, 11))
    flow.start(demand=a, actor=None)
    # 2: accepted after 30 h (late), handled late (the 2nd working day after 4 March is 6 March).
    b = fd.make_demand(tree.community1, cat=cat, now=_at(2, 9))
    flow.accept(demand=b, actor=None, now=_at(3, 15))
    flow.start(demand=b, actor=None)
    # 3: refused within the limit.
    c = fd.make_demand(tree.community1, cat=cat, now=_at(2, 9))
    flow.reject(demand=c, actor=None, reason="不属于受理范围")
    Demand.objects.filter(pk=c.pk).update(closed_at=_at(2, 12))
    # 4: still pending.
    fd.make_demand(tree.community1, cat=cat, now=_at(2, 9))
    from unittest import mock

    from django.utils import timezone

    with mock.patch.object(timezone, "now", return_value=_at(2, 17)):
        flow.handle(demand=a, actor=None, reply="好了")
    with mock.patch.object(timezone, "now", return_value=_at(9, 10)):
        flow.handle(demand=b, actor=None, reply="好了")
    flow.visit(demand=a, satisfaction=Satisfaction.SATISFIED)
    flow.visit(demand=b, satisfaction=Satisfaction.UNSATISFIED)
    figures = rates.rates(Demand.objects.all())
    assert (figures.total, figures.answered, figures.answered_in_time) == (4, 3, 2)
    assert (figures.handled, figures.handled_in_time) == (2, 1)
    assert (figures.visited, figures.satisfied) == (2, 1)
    assert (figures.response_rate, figures.solution_rate, figures.satisfaction_rate) == (66.7, 50.0, 50.0)
    # Handling times: 8 h and 7 days + 1 h = 169 h; the median of two is their mean.
    assert figures.median_hours == 88.5


def test_notifications_list_count_and_mark_read_are_the_users_own(client_for, tree, people):
    fd.make_demand(tree.community1)
    Notification.objects.create(user=people.lianhua, title="别人的")
    client = client_for(people.meigang)
    assert client.get(reverse("notification_count")).json() == {"unread": 1}
    page = client.get(reverse("notification_list")).content.decode()
    assert "别人的" not in page and "SQ" in page
    assert client.post(reverse("notification_list")).status_code == 302
    assert client.get(reverse("notification_count")).json() == {"unread": 0}
    assert Notification.objects.filter(user=people.lianhua, read_at__isnull=True).count() == 1


def test_rates_page_and_its_excel_export(client_for, tree, people):
    import io

    from openpyxl import load_workbook

    fd.make_demand(tree.community1, status="closed")
    client = client_for(people.huafu)
    assert client.get(reverse("demand_rates"), {"by": "category"}).status_code == 200
    response = client.get(reverse("demand_rates"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("梅岗社区", 1) and rows[-1][1] == 1
    assert rows[1][4] == 100
