"""Staff-account pages in a real browser: accessible (axe); a district 管理员 creates an account
with a generated password, and the new account signs in with it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username, password):
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def test_account_pages_pass_axe_and_a_new_account_signs_in(live_server, page, axe):
    from grids.models import Role
    from tests.factory import PASSWORD, make_people, make_tree

    tree = make_tree()
    people = make_people(tree)
    _login(page, live_server, "district_admin", PASSWORD)
    page.goto(live_server.url + reverse("staff_home"))
    with page.expect_navigation():
        page.get_by_role("link", name="工作人员账号").click()
    for url in [
        reverse("account_list"),
        reverse("account_detail", args=[people.meigang.pk]),
        reverse("account_edit", args=[people.meigang.pk]),
        reverse("account_password", args=[people.meigang.pk]),
        reverse("assignment_add", args=[people.meigang.pk]),
        reverse("account_deactivate", args=[people.meigang.pk]),
        reverse("account_create"),
    ]:
        page.goto(live_server.url + url)
        assert axe(page) == [], url
    page.fill("input[name=username]", "wangwu")
    page.fill("input[name=full_name]", "王五")
    page.fill("input[name=mobile]", "13800138000")
    # The unit is a search-as-you-type picker (units shown as their path).
    page.locator("#id_unit-ts-control").click()
    page.keyboard.type("梅岗")
    # After the remote search answers, Enter takes the highlighted match, never an option
    # preloaded on focus (福田区 came first and was taken).
    expect(page.get_by_role("option", name="华富街道 / 梅岗社区", exact=True)).to_have_count(1)
    page.keyboard.press("Enter")
    assert page.locator("input[name=unit]").input_value() == str(tree.community1.pk)
    page.select_option("select[name=role]", Role.STAFF)
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert axe(page) == []
    password = page.locator(".display-6").inner_text().strip()
    assert len(password) == 12 and password not in page.url
    page.context.clear_cookies()
    _login(page, live_server, "wangwu", password)
    # A password the 管理员 has seen: the account chooses its own before anything else.
    assert page.url.endswith(reverse("password_change"))
    assert "请先设置您自己的密码" in page.content() and axe(page) == []
    page.fill("input[name=old_password]", password)
    page.fill("input[name=new_password1]", "Fresh#Lotus-2026")
    page.fill("input[name=new_password2]", "Fresh#Lotus-2026")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(live_server.url + reverse("staff_home"))
    assert "梅岗社区概况" in page.content()  # the account's own unit, not the district's
