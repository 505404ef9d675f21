"""Public pages from the cache (portal/core/pagecache.py): constant queries at two data sizes,
fresh after writes, nothing personal cached, CSRF, language and large text in the key, clock
pages expiring at the minute."""

import re
import time
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from portal.core import pagecache
from projects.services.activities import record_attendance
from tests.factory_centers import make_center
from tests.factory_members import make_member
from tests.factory_micro import accepted, make_line, make_project
from tests.factory_volunteer import make_activity, make_record, make_team, make_volunteer
from tests.factory_volunteer import make_project as make_service_project

MAX_PUBLIC_QUERIES = 10


def _world(tree, size):
    """`size` of each public record, inside both streets."""
    line = make_line(tree.district, amount="100000000.00")
    centers, micro, activities = [], [], []
    for n in range(size):
        owner = tree.community1 if n % 2 else tree.community2
        centers.append(make_center(owner, f"中心{n}", lat=22.55 + n * 0.001, lng=114.08))
        micro.append(accepted(make_project(owner, title=f"微实事{n}"), line))
        project = make_service_project(owner, title=f"服务项目{n}")
        activity = make_activity(project, days=-3 if n % 2 else 3)
        activities.append(activity)
        volunteer = make_volunteer(owner, name=f"志愿者{n}")
        team = make_team(owner, name=f"服务队{n}")
        volunteer.teams.add(team)
        if n % 2:
            make_record(activity, volunteer, hours="1.50")
        make_member(tree.grid1 if n % 2 else tree.grid2, name=f"党员{n}")
    return centers, micro, activities


def _pages(centers, micro, activities):
    center = centers[0]
    return [
        reverse("home"),
        reverse("center_list"),
        reverse("center_detail", args=[center.pk]),
        f"{reverse('center_nearby')}?lat={center.latitude}&lng={center.longitude}",
        f"{reverse('center_nearby_json')}?lat={center.latitude}&lng={center.longitude}",
        reverse("centers_geojson"),
        reverse("micro_list"),
        reverse("micro_detail", args=[micro[0].pk]),
        reverse("volunteer_index"),
        reverse("volunteer_project", args=[activities[0].project_id]),
        reverse("volunteer_activity", args=[activities[1].pk]),
        reverse("volunteer_teams"),
        reverse("open_stats"),
        f"{reverse('open_stats')}?unit={centers[0].owner.pk}&year=2026",
    ]


@pytest.mark.parametrize("size", [2, 12])
def test_every_public_page_runs_at_most_ten_queries_cold_and_none_warm(
    tree, client, monkeypatch, size, django_assert_max_num_queries, django_assert_num_queries
):
    # A clock page stored at 12:00:59 would rightly be computed again at 12:01:00.
    monkeypatch.setattr(pagecache, "seconds_to_next_minute", lambda now=None: 60)
    pages = _pages(*_world(tree, size))
    for url in pages:
        with django_assert_max_num_queries(MAX_PUBLIC_QUERIES):
            assert client.get(url).status_code == 200, url
    for url in pages:
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200, url


def test_the_open_data_page_is_served_from_the_cache(tree, client, django_assert_num_queries):
    # Warm it costs nothing (cold: tests/test_open_data.py pins it at two data sizes).
    _world(tree, 2)
    url = reverse("open_data")
    assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200
    csv = client.get(url, {"format": "csv"})
    assert csv["Content-Disposition"].startswith("attachment")
    assert client.get(url, {"format": "csv"})["Content-Disposition"] == csv["Content-Disposition"]


def _text(response):
    return response.content.decode()


def test_pages_follow_writes_to_a_center_a_project_and_a_volunteer_record(tree, client):
    centers, micro, activities = _world(tree, 2)
    center, project, activity = centers[0], micro[0], activities[1]
    detail = reverse("center_detail", args=[center.pk])
    nearby = f"{reverse('center_nearby')}?lat={center.latitude}&lng={center.longitude}"
    center_pages = [reverse("center_list"), detail, nearby, reverse("centers_geojson")]
    micro_pages = [reverse("micro_list"), reverse("micro_detail", args=[project.pk])]
    for url in [*center_pages, *micro_pages, reverse("volunteer_teams"), reverse("open_stats"), reverse("home")]:
        client.get(url)  # everything cached

    center.name = "改名后的党群服务中心"
    center.save()
    for url in center_pages:
        assert "改名后的党群服务中心" in _text(client.get(url)), url

    project.title = "改名后的微实事"
    project.save()
    for url in micro_pages:
        assert "改名后的微实事" in _text(client.get(url)), url

    record = activity.service_records.get()
    volunteer, team = record.volunteer, record.volunteer.teams.get()
    assert client.get(reverse("open_stats")).json()["volunteering"]["hours"] == "1.50"
    # Corrected as staff do (the attendance service keeps the teams' ranked totals with it).
    record_attendance(activity=activity, entries=[(volunteer, True, Decimal("2.00"))], user=None)
    assert client.get(reverse("open_stats")).json()["volunteering"]["hours"] == "2.00"
    assert re.search(rf"{team.name}.*?2\.00", _text(client.get(reverse("volunteer_teams"))), re.S)

    make_volunteer(volunteer.unit)
    assert client.get(reverse("open_stats")).json()["volunteering"]["volunteers"] == 3
    center.status = "preparing"
    center.save()
    assert client.get(detail).status_code == 404
    assert client.get(reverse("open_stats")).json()["centers"]["total"] == 1


def test_a_cached_form_page_gives_each_visitor_a_working_csrf_token(tree):
    activity = make_activity(make_service_project(tree.community1), days=3)
    url = reverse("volunteer_activity", args=[activity.pk])
    first = Client(enforce_csrf_checks=True)
    first.get(url)  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', _text(page)))
    assert len(tokens) == 1 and "\x00" not in next(iter(tokens))
    assert "csrftoken" in page.cookies
    answer = visitor.post(url, {"csrfmiddlewaretoken": tokens.pop(), "name": "李四", "mobile": "13900001111"})
    assert answer.status_code == 200 and "no-store" in answer["Cache-Control"]
    assert activity.signups.count() == 1
    assert "13900001111" not in _text(visitor.get(url)) and "李四" not in _text(Client().get(url))


def test_language_and_large_text_are_part_of_the_key(tree, client):
    home = reverse("home")
    assert '<html lang="zh-CN">' in _text(client.get(home))
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in _text(client.get(home))
    client.cookies["large_text"] = "1"
    assert 'class="large-text' in _text(client.get(home))
    del client.cookies["large_text"]
    assert 'class="large-text' not in _text(client.get(home))


def test_signed_in_staff_are_never_served_a_cached_page(tree, people, client, django_assert_max_num_queries):
    client.get(reverse("home"))
    client.force_login(people.huafu)
    response = client.get(reverse("home"))
    assert "huafu" in _text(response)


def test_pages_that_show_the_clock_expire_at_the_next_minute(tree, client, monkeypatch, settings):
    center = make_center(tree.community1)
    real_store = pagecache.store()
    timeouts = {}

    class Recording:
        def __getattr__(self, name):
            return getattr(real_store, name)

        def set(self, key, value, timeout):
            if key.startswith("pp:"):
                timeouts[len(timeouts)] = timeout
            return real_store.set(key, value, timeout)

    monkeypatch.setattr(pagecache, "store", Recording)
    monkeypatch.setattr(time, "time", lambda: 1_800_000_017.25)  # 17.25 s past a minute
    client.get(reverse("center_detail", args=[center.pk]))  # open now / next opening
    client.get(reverse("volunteer_teams"))  # no clock on the ranking
    assert timeouts == {0: 42, 1: settings.PUBLIC_CACHE_TIMEOUT}
    assert pagecache.seconds_to_next_minute(120.0) == 60
    assert pagecache.seconds_to_next_minute(179.5) == 1
