"""The Content-Security-Policy in a real browser: the pages that run scripts (map, nearby search,
location button, print button, admin) work under it and the browser reports no violation; a
lockout and an idle logout as a person meets them."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the browser reports, collected from the first script of each page on.
COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def watched(page, live_server):
    page.add_init_script(COLLECT)
    # No network: the map tiles are refused here, as on an intranet without tiles.
    own = live_server.url
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(own) else route.abort())
    return page


def _violations(page):
    return page.evaluate("() => window.__cspViolations")


def _login(page, live_server, username, password):
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_an_inline_script_would_be_refused(live_server, watched):
    """The policy is really enforced (the other tests would pass without one)."""
    watched.goto(live_server.url + reverse("home"))
    watched.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.append(s); }"
    )
    assert watched.evaluate("() => window.__ran") is None
    assert any(v.startswith("script-src") for v in _violations(watched))


def test_public_pages_with_scripts_work_under_the_policy(live_server, watched):
    from tests.factory import make_tree
    from tests.factory_centers import make_center

    tree = make_tree()
    center = make_center(tree.community1)
    watched.goto(live_server.url + reverse("center_detail", args=[center.pk]))
    # Leaflet loads once the map is on screen (static/centers/map.js), then runs under the policy.
    watched.locator("#center-map").scroll_into_view_if_needed()
    watched.wait_for_selector("#center-map .leaflet-marker-icon", timeout=15_000)
    assert watched.locator("#center-map .leaflet-marker-icon").count() >= 1  # Leaflet ran
    watched.goto(live_server.url + reverse("center_nearby"))
    with watched.expect_navigation():
        watched.locator("#locate").click()
    assert center.name in watched.content()
    watched.goto(live_server.url + reverse("micro_propose"))
    watched.locator("#use-location").click()
    watched.wait_for_function("() => document.getElementById('id_latitude').value !== ''")
    assert watched.input_value("#id_latitude").startswith("22.54")
    assert _violations(watched) == []


def test_staff_and_admin_pages_work_under_the_policy(live_server, watched):
    from tests.factory import PASSWORD, make_people, make_tree
    from tests.factory_volunteer import make_certificate, make_volunteer

    tree = make_tree()
    people = make_people(tree)
    certificate = make_certificate(make_volunteer(tree.community1))
    _login(watched, live_server, "root", PASSWORD)
    for url in [reverse("staff_home"), reverse("admin:index"), reverse("admin:grids_assignment_add")]:
        watched.goto(live_server.url + url)
        assert _violations(watched) == [], url
    watched.goto(live_server.url + reverse("volunteer_staff_certificate", args=[certificate.pk]))
    watched.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    watched.get_by_role("button", name="打印").click()
    assert watched.evaluate("() => window.__printed") is True
    assert _violations(watched) == []
    assert people.superuser.is_superuser


def test_the_sixth_attempt_meets_the_lock_in_chinese(live_server, page, axe):
    from tests.factory import PASSWORD, make_people, make_tree

    make_people(make_tree())
    for _attempt in range(5):
        _login(page, live_server, "huafu", "wrong-password")
    assert "登录失败次数过多" in page.content()
    assert axe(page) == []
    _login(page, live_server, "huafu", PASSWORD)
    assert "登录失败次数过多" in page.content() and page.url.endswith(reverse("login"))
    # The way out when no mail server is configured: the page says so, accessibly.
    page.goto(live_server.url + reverse("password_reset"))
    assert "没有配置邮件服务器" in page.content() and axe(page) == []
