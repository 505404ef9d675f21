"""The dashboard in a real browser on a phone (issue 12): charts drawn, a chart switched to its
table, two drill-downs (district → street → community), axe clean at every step."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    from tests.factory import PASSWORD

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def test_phone_dashboard_chart_table_and_two_drill_downs(live_server, page, axe):
    from tests.factory import make_people, make_tree
    from tests.factory_dashboard import grow

    tree = make_tree()
    make_people(tree)
    grow(tree, 3)
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server, "district_admin")
    page.goto(live_server.url + reverse("dashboard", args=[tree.district.pk]) + "?period=year")
    assert page.locator(".chart-canvas canvas").count() > 5  # ECharts drew from the JSON island
    assert axe(page) == []
    box = page.locator("[data-chart=members-category]")
    assert box.locator(".chart-data").is_hidden()
    box.locator(".chart-toggle").click()
    assert box.locator(".chart-data").is_visible()
    assert box.locator(".chart-canvas").is_hidden()
    assert box.locator(".chart-toggle").get_attribute("aria-pressed") == "true"
    assert box.locator(".chart-data").get_by_role("row").count() == 4  # header and three categories
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    with page.expect_navigation():
        page.locator("a[href*='figure=members.total']").first.click()
    assert axe(page) == []
    with page.expect_navigation():
        page.locator("table.drill-table").get_by_role("link", name="华富街道", exact=True).click()
    assert "华富街道" in page.locator(".breadcrumb").inner_text()
    with page.expect_navigation():
        page.locator("table.drill-table").get_by_role("link", name="梅岗社区", exact=True).click()
    assert "梅岗社区" in page.locator(".breadcrumb").inner_text()
    assert page.locator("table.drill-table tbody tr").count() == 2  # 第1网格 and the community's own members
    assert axe(page) == []


def test_dashboard_in_large_text_mode_is_readable_on_a_phone(live_server, page, axe):
    from tests.factory import make_people, make_tree
    from tests.factory_dashboard import grow

    tree = make_tree()
    make_people(tree)
    grow(tree, 2)
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server, "huafu")
    page.goto(live_server.url + reverse("dashboard", args=[tree.street1.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="大字模式").click()
    assert "large-text" in page.evaluate("document.body.className")
    assert page.locator(".chart-canvas canvas").count() > 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe(page) == []
    # A street staffer's dashboard of another street is not found.
    response = page.goto(live_server.url + reverse("dashboard", args=[tree.street2.pk]))
    assert response.status == 404
