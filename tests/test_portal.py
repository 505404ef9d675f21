import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from grids.models import Assignment, Level, Unit


def test_stats_for_the_whole_portal(client, tree):
    data = client.get(reverse("open_stats")).json()
    assert data["units"] == {"district": 1, "street": 2, "community": 2, "grid": 2, "building": 2}


def test_stats_for_a_subtree_by_id_or_code(client, tree):
    by_id = client.get(reverse("open_stats"), {"unit": tree.street1.pk}).json()
    by_code = client.get(reverse("open_stats"), {"unit": "440304008"}).json()
    assert by_id["units"] == by_code["units"] == {"district": 0, "street": 1, "community": 1, "grid": 1, "building": 1}
    assert by_id["unit"]["name"] == "华富街道"


@pytest.mark.parametrize("ref", ["999999", "nonsense", "<script>"])
def test_stats_with_an_unknown_unit_is_a_clear_400(client, tree, ref):
    response = client.get(reverse("open_stats"), {"unit": ref})
    assert response.status_code == 400
    assert "没有" in response.json()["error"]


def test_staff_home_lists_the_users_units(tree, people, client_for):
    body = client_for(people.huafu).get(reverse("staff_home")).content.decode()
    assert "福田区 / 华富街道" in body
    assert "工作人员" in body


def test_unassigned_staff_home_says_so(people, client_for):
    body = client_for(people.nobody).get(reverse("staff_home")).content.decode()
    assert "还没有被分配" in body


def test_large_text_mode_is_remembered(client, db):
    response = client.post(reverse("text_size"), {"large": "1", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LARGE_TEXT_COOKIE].value == "1"
    assert 'class="large-text' in client.get(reverse("home")).content.decode()
    client.post(reverse("text_size"), {"large": "0", "next": "/"})
    assert 'class="large-text' not in client.get(reverse("home")).content.decode()


def test_large_text_switch_refuses_open_redirects(client, db):
    response = client.post(reverse("text_size"), {"large": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_login_page_is_chinese(client, db):
    body = client.get(reverse("login")).content.decode()
    assert "工作人员登录" in body


def test_seed_demo_builds_futian(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    counts = {level: Unit.objects.filter(level=level).count() for level in Level.values}
    assert counts[Level.DISTRICT] == 1
    assert counts[Level.STREET] == 10
    assert counts[Level.COMMUNITY] == 95
    assert counts[Level.GRID] > 95 and counts[Level.BUILDING] > counts[Level.GRID]
    assert Unit.objects.get(name="梅岗社区").parent.name == "华富街道"
    assert Unit.objects.get(name="狮岭社区").parent.name == "莲花街道"
    assert Unit.objects.get(name="南华社区").parent.name == "南园街道"
    buildings = Unit.objects.filter(level=Level.BUILDING)
    assert not buildings.filter(latitude__isnull=True).exists()
    assert not buildings.exclude(latitude__range=(22.50, 22.58), longitude__range=(114.00, 114.10)).exists()
    assert Assignment.objects.get(user__username="huafu").unit.name == "华富街道"
    before = Unit.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert Unit.objects.count() == before


def test_seed_demo_refuses_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Unit.objects.exists()


def test_redis_cache_and_sessions_when_configured(settings):
    """In the PostgreSQL run of CI (REDIS_URL set) the cache really talks to Redis."""
    import os

    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL not set: the cache is in-process here")
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    # Sessions stay in the database: see the REDIS_URL block of settings.py (issue 16).
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    cache.set("portal-ping", "pong", 10)
    assert cache.get("portal-ping") == "pong"


def test_staff_dashboard_shows_the_figures_of_the_users_scope(tree, people, client_for, django_assert_max_num_queries):
    client = client_for(people.huafu)
    client.get(reverse("staff_home"))
    with django_assert_max_num_queries(40):
        response = client.get(reverse("staff_home"))
    dashboards = response.context["dashboards"]
    assert [unit.name for unit, _figures in dashboards] == ["华富街道"]
    figures = dashboards[0][1]
    assert figures["units"]["community"] == 1
    assert "华富街道" in response.content.decode()
    assert "狮岭社区" not in response.content.decode()


def test_unassigned_user_has_no_dashboard(people, client_for):
    assert client_for(people.nobody).get(reverse("staff_home")).context["dashboards"] == []
