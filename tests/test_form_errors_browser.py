"""The error summary in a real browser (issue 13): after an invalid POST the focus is on the
summary (a screen reader reads it first, the keyboard starts there) and each link moves the focus
to its field: a plain input, and a picker's search box (the id input behind it is hidden)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_summary_takes_the_focus_and_its_links_reach_the_fields(live_server, page, axe):
    from tests.factory import PASSWORD, make_people, make_tree
    from tests.test_accounts_browser import _login

    tree = make_tree()
    make_people(tree)
    _login(page, live_server, "district_admin", PASSWORD)
    page.goto(live_server.url + reverse("account_create"))
    page.fill("input[name=username]", "wangwu")
    page.fill("input[name=full_name]", "王五")
    page.fill("input[name=mobile]", "1380013800")  # ten digits
    # The unit is left empty. The browser would stop at its `required` first; the server's
    # answer is what is tested here, as any browser that lets it through would get it.
    page.locator("main form").evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    assert axe(page) == []
    # What was typed is still there.
    assert page.locator("input[name=mobile]").input_value() == "1380013800"
    assert page.locator("input[name=full_name]").input_value() == "王五"
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)
    summary.get_by_role("link", name="手机号码：", exact=False).click()
    expect(page.locator("#id_mobile")).to_be_focused()
    summary.get_by_role("link", name="单位：", exact=False).click()
    expect(page.locator("#id_unit-ts-control")).to_be_focused()
    # The keyboard alone: Tab from the summary reaches its first link, Enter follows it.
    summary.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_mobile")).to_be_focused()
