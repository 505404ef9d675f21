"""Rate limits on every public write and lookup and on login (issue 16, section 2): the client's
address behind the proxy, the 429 page, and exactly the limit under parallel requests."""

import http.client
import re
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from projects.models import Signup
from projects.models.micro import MicroCategory, MicroProject
from projects.services import activities as activity_services
from tests.factory import PASSWORD
from tests.factory_volunteer import make_activity, make_certificate, make_project, make_volunteer

# --- The client's address -------------------------------------------------------------------


def _ip(settings, hops, forwarded=None, remote="10.0.0.1"):
    from portal.core.ratelimit import client_ip

    settings.TRUSTED_PROXY_HOPS = hops
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_a_proxy_forwarded_for_is_ignored(settings):
    assert _ip(settings, 0, "1.2.3.4") == "10.0.0.1"


def test_behind_one_proxy_the_entry_it_added_counts_not_what_the_client_sent(settings):
    # The client sent "X-Forwarded-For: 6.6.6.6, 7.7.7.7"; our proxy appended the real peer.
    assert _ip(settings, 1, "6.6.6.6, 7.7.7.7, 203.0.113.5") == "203.0.113.5"


def test_behind_two_proxies_the_second_entry_from_the_right(settings):
    # client → CDN (appends the client) → nginx (appends the CDN) → app
    assert _ip(settings, 2, "6.6.6.6, 203.0.113.5, 198.51.100.7") == "203.0.113.5"
    # Entered at the inner proxy only: every entry is ours, the leftmost is the client.
    assert _ip(settings, 2, "203.0.113.9") == "203.0.113.9"


def test_garbage_or_no_header_falls_back_to_the_socket_address(settings):
    assert _ip(settings, 1, "not-an-address") == "10.0.0.1"
    assert _ip(settings, 1) == "10.0.0.1"
    assert _ip(settings, 1, "2001:db8::1") == "2001:db8::1"


def test_behind_proxy_setting_trusts_one_hop_by_default(monkeypatch):
    import importlib

    import portal.settings as portal_settings

    monkeypatch.setenv("BEHIND_PROXY", "1")
    monkeypatch.delenv("TRUSTED_PROXY_HOPS", raising=False)
    assert importlib.reload(portal_settings).TRUSTED_PROXY_HOPS == 1
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "2")
    assert importlib.reload(portal_settings).TRUSTED_PROXY_HOPS == 2
    monkeypatch.delenv("BEHIND_PROXY")
    monkeypatch.delenv("TRUSTED_PROXY_HOPS")
    assert importlib.reload(portal_settings).TRUSTED_PROXY_HOPS == 0


# --- Every public write and lookup, and login ------------------------------------------------


def _too_many(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600 + 5
    with translation.override("zh-hans"):
        assert translation.gettext("Too many requests") in response.content.decode()


def _proposal(tree, title):
    return {
        "name": "李四",
        "mobile": "13800138000",
        "community": tree.community1.pk,
        "title": title,
        "description": "晚上太黑，老人出门不方便。",
        "category": MicroCategory.WORKS,
        "requested_amount": "30000.00",
    }


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **dict.fromkeys(settings.RATE_LIMITS, "2/h")}
    return settings.RATE_LIMITS


def test_proposals_count_only_when_created(client, tree, limits):
    # A form with a mistake does not use up the resident's proposals.
    for _i in range(3):
        assert client.post(reverse("micro_propose"), {**_proposal(tree, "路灯"), "mobile": "123"}).status_code == 200
    for i in range(2):
        assert client.post(reverse("micro_propose"), _proposal(tree, f"提议{i}")).status_code == 302
    response = client.post(reverse("micro_propose"), _proposal(tree, "第三个"))
    _too_many(response)
    assert "每小时最多 2 个" in response.content.decode()
    assert MicroProject.objects.count() == 2
    # Another address is counted apart.
    assert client.post(reverse("micro_propose"), _proposal(tree, "别处"), REMOTE_ADDR="10.0.0.9").status_code == 302


def test_sign_ups_are_limited(client, tree, limits):
    activity = make_activity(make_project(tree.community1), capacity=50)
    url = reverse("volunteer_activity", args=[activity.pk])
    for i in range(2):
        assert client.post(url, {"name": "李四", "mobile": f"1391234567{i}"}).status_code == 200
    _too_many(client.post(url, {"name": "李四", "mobile": "13912345679"}))
    assert Signup.objects.count() == 2
    assert client.get(url).status_code == 200  # reading the page is not a sign-up


def _sign_ups(tree, count):
    activity = make_activity(make_project(tree.community1), capacity=50)
    return [
        activity_services.sign_up(activity_id=activity.pk, name="李四", mobile=f"1391234560{i}")[1]
        for i in range(count)
    ]


def test_cancellations_are_limited(client, tree, limits):
    limits["lookup"] = "10/h"
    tokens = _sign_ups(tree, 3)
    assert client.post(reverse("volunteer_cancel", args=[tokens[0]])).status_code == 200
    assert client.post(reverse("volunteer_cancel", args=[tokens[1]])).status_code == 200
    _too_many(client.post(reverse("volunteer_cancel", args=[tokens[2]])))
    assert Signup.objects.filter(cancelled_at__isnull=True).count() == 1
    assert client.get(reverse("volunteer_cancel", args=[tokens[2]])).status_code == 200  # opening is a lookup


def test_cancellation_links_opened_are_limited(client, tree, limits):
    limits["cancel"] = "10/h"
    tokens = _sign_ups(tree, 1)
    assert client.get(reverse("volunteer_cancel", args=[tokens[0]])).status_code == 200
    assert client.get(reverse("volunteer_cancel", args=["no-such-token"])).status_code == 404
    # Guessing a third link is refused before the token is looked at, and so is a real one.
    _too_many(client.get(reverse("volunteer_cancel", args=["another-guess"])))
    _too_many(client.post(reverse("volunteer_cancel", args=[tokens[0]])))
    assert Signup.objects.filter(cancelled_at__isnull=True).count() == 1


def test_tracking_codes_are_limited(client, tree, limits):
    for _i in range(2):
        assert client.get(reverse("micro_track_code", args=["MSNOSUCH99"])).status_code == 404
    _too_many(client.get(reverse("micro_track_code", args=["MSNOSUCH98"])))


def test_certificate_checks_are_limited_but_not_the_empty_form(client, tree, limits):
    certificate = make_certificate(make_volunteer(tree.community1))
    url = reverse("volunteer_verify")
    for _i in range(3):
        assert client.get(url).status_code == 200
    assert client.get(url, {"code": "NOSUCHCODE99"}).status_code == 404
    assert client.get(url, {"code": certificate.code}).status_code == 200
    _too_many(client.get(url, {"code": certificate.code}))


@pytest.mark.parametrize("route", ["login", "admin:login"])
def test_login_forms_are_limited_per_address(client, people, limits, route):
    url = reverse(route)
    for _i in range(2):
        response = client.post(url, {"username": "huafu", "password": "wrong"})
        assert response.status_code == 200
    # Even the right password waits: the limit counts login forms, whatever their outcome
    # (django-axes locks the account after failures, separately).
    _too_many(client.post(url, {"username": "huafu", "password": PASSWORD}))
    assert "_auth_user_id" not in client.session
    assert client.get(url).status_code == 200  # the form itself is still shown


def test_password_reset_mails_are_limited(client, people, limits, mailoutbox, settings):
    settings.MAIL_CONFIGURED = True  # the test mail backend
    people.huafu.email = "huafu@example.org"
    people.huafu.save()
    for _i in range(2):
        assert client.post(reverse("password_reset"), {"email": "huafu@example.org"}).status_code == 302
    _too_many(client.post(reverse("password_reset"), {"email": "huafu@example.org"}))
    assert len(mailoutbox) == 2


def test_without_the_middleware_a_limit_fails_closed(client, tree, limits, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RateLimitMiddleware")]
    for _i in range(2):
        client.get(reverse("micro_track_code", args=["MSNOSUCH99"]))
    assert client.get(reverse("micro_track_code", args=["MSNOSUCH99"])).status_code == 403


# --- Exactly the limit under parallel requests (threads against the live server) ------------


def _post_proposals(live_server, tree, count):
    """`count` proposals posted at the same instant from one address; their statuses."""
    base = urlsplit(live_server.url)
    page = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    page.request("GET", reverse("micro_propose"))
    response = page.getresponse()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    page.close()
    barrier = threading.Barrier(count)
    statuses = []

    def post(i):
        body = urlencode({**_proposal(tree, f"并发提议{i}"), "csrfmiddlewaretoken": token})
        connection = http.client.HTTPConnection(base.hostname, base.port, timeout=60)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
        barrier.wait()
        connection.request("POST", reverse("micro_propose"), body=body, headers=headers)
        statuses.append(connection.getresponse().status)
        connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_proposals_against_a_limit_of_five_create_exactly_five(live_server, tree, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        # The live server's threads share SQLite's one in-memory test connection: concurrent
        # requests break each other's transactions there, whatever the rate limit does.
        pytest.skip("needs PostgreSQL: one connection per request thread")
    # In CI's PostgreSQL run (REDIS_URL set) the counter is Redis's INCR, shared by every process.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "propose": "5/h"}
    statuses = _post_proposals(live_server, tree, 20)
    assert statuses == [302] * 5 + [429] * 15
    assert MicroProject.objects.count() == 5


def test_axes_counts_failed_logins_by_the_same_client_address(client, people, settings):
    from axes.models import AccessFailureLog

    settings.TRUSTED_PROXY_HOPS = 1
    client.post(
        reverse("login"),
        {"username": "huafu", "password": "wrong"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5",
    )
    assert list(AccessFailureLog.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]
