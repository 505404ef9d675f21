"""The portal rides out its services' outages (issue 16, section 5): with Redis unreachable every
page works (no cache, sessions in the database, rate limits allow) and the log says so once a
minute; with the database unreachable a 503 page in Chinese with Retry-After, not a 500, and
the portal recovers by itself."""

import logging
import os
import socket

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import include, path, reverse
from django.utils import translation

import portal.cache as portal_cache
from projects.models.micro import MicroCategory, MicroProject
from tests.factory import PASSWORD


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def _redis_cache(location):
    return {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


class Clock:
    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(portal_cache, "time", clock)
    monkeypatch.setattr(portal_cache, "health", portal_cache._Health())
    return clock


@pytest.fixture
def redis_down(settings, clock):
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{closed_port()}/0")


def _outage_logs(caplog):
    return [r for r in caplog.records if r.name == "portal.cache" and "unreachable" in r.getMessage()]


# --- Redis unreachable -------------------------------------------------------------------------


def test_with_redis_down_the_cache_is_no_cache(redis_down):
    assert cache.set("k", 1) is None and cache.get("k") is None and cache.get("k", 7) == 7
    assert cache.add("k", 1) is False and cache.get_many(["k"]) == {} and cache.incr("k") is None
    assert cache.delete("k") is False and cache.has_key("k") is False and cache.clear() is False


def test_with_redis_down_staff_log_in_and_work(client, people, redis_down, caplog):
    response = client.post(reverse("login"), {"username": "huafu", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("staff_home")
    assert client.get(reverse("staff_home")).status_code == 200
    assert client.get(reverse("member_list")).status_code == 200
    assert client.get(reverse("micro_staff_list")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200
    # The session lives in the database, whatever the cache does.
    assert Session.objects.count() == 1
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and Session.objects.count() == 0
    assert client.get(reverse("staff_home")).status_code == 302  # logged out for good


def test_with_redis_down_public_pages_and_rate_limited_forms_work(client, tree, redis_down, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "propose": "1/h"}
    for name in ("home", "micro_list", "center_list", "volunteer_index", "micro_propose"):
        assert client.get(reverse(name)).status_code == 200, name
    proposal = {
        "name": "李四", "mobile": "13800138000", "community": tree.community1.pk, "title": "路灯",
        "description": "晚上太黑。", "category": MicroCategory.WORKS, "requested_amount": "3000.00",
    }  # fmt: skip
    # The counters cannot be read: the limit allows (RATELIMIT_FAIL_OPEN), it does not refuse.
    for i in range(3):
        assert client.post(reverse("micro_propose"), {**proposal, "title": f"路灯{i}"}).status_code == 302
    assert MicroProject.objects.count() == 3


def test_the_outage_is_logged_once_a_minute(client, tree, redis_down, clock, caplog):
    caplog.set_level(logging.WARNING, logger="portal.cache")
    for _i in range(5):
        cache.get("k")
        clock.now += 6  # past RETRY_SECONDS: each call tries Redis again, and fails
    assert len(_outage_logs(caplog)) == 1
    clock.now += 60
    cache.get("k")
    assert len(_outage_logs(caplog)) == 2


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds(redis_down, clock, monkeypatch):
    cache.get("k")
    tries = []
    real = portal_cache.RedisCacheClient.get_client
    monkeypatch.setattr(portal_cache.RedisCacheClient, "get_client", lambda *a, **k: tries.append(1) or real(*a, **k))
    cache.get("k")
    assert tries == []
    clock.now += portal_cache.RETRY_SECONDS
    cache.get("k")
    assert tries == [1]


def test_when_redis_is_back_the_cache_works_again(settings, clock, caplog):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL not set: no Redis to come back to")
    caplog.set_level(logging.WARNING, logger="portal.cache")
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{closed_port()}/0")
    cache.get("k")
    settings.CACHES = _redis_cache(os.environ["REDIS_URL"])  # the same Redis, reachable again
    clock.now += portal_cache.RETRY_SECONDS
    cache.set("k", "v", 10)
    assert cache.get("k") == "v"
    assert any("reachable again" in r.getMessage() for r in caplog.records)


# --- Database unreachable ----------------------------------------------------------------------


def _operational(request):
    raise OperationalError("server closed the connection unexpectedly")


def _interface(request):
    raise InterfaceError("connection already closed")


def _bug(request):
    raise RuntimeError("a bug")


class BrokenAfterView:
    """A middleware whose work after the view fails, like SessionMiddleware saving a session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        self.get_response(request)
        raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path("boom/operational/", _operational),
    path("boom/interface/", _interface),
    path("boom/bug/", _bug),
    path("", include("portal.urls")),
]
handler500 = "portal.views.server_error"


def _unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    with translation.override("zh-hans"):
        assert translation.gettext("The portal is briefly unavailable") in response.content.decode()


@pytest.mark.urls("tests.test_outages")
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("url", ["/boom/operational/", "/boom/interface/"])
def test_a_database_error_in_a_view_is_a_503(client, db, settings, debug, url):
    settings.DEBUG = debug
    _unavailable(client.get(url))
    _unavailable(client.post(url))


@pytest.mark.urls("tests.test_outages")
def test_a_database_error_after_the_view_is_a_503_too(db, settings):
    settings.MIDDLEWARE = ["tests.test_outages.BrokenAfterView", *settings.MIDDLEWARE]
    _unavailable(Client(raise_request_exception=False).get(reverse("home")))


@pytest.mark.urls("tests.test_outages")
def test_other_errors_stay_500(db):
    response = Client(raise_request_exception=False).get("/boom/bug/")
    assert response.status_code == 500 and "Retry-After" not in response


@pytest.mark.django_db(transaction=True)
def test_postgresql_down_gives_503s_and_the_portal_recovers_by_itself(client, tree, people):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a server that goes away")
    client.force_login(people.huafu)
    # As in production: an error met by a middleware (the staff-session check reads the session
    # before any view) reaches handler500, which the test client would otherwise re-raise.
    client.raise_request_exception = False
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port()  # the server is restarting: nothing listens
    try:
        for name in ("home", "micro_list", "center_list", "staff_home", "member_list"):
            _unavailable(client.get(reverse(name)))
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port
    # The server is back: the next requests connect again, no restart of the portal.
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("staff_home")).status_code == 200
