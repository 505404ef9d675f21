"""The picker in a real browser: typed, chosen with the keyboard alone, submitted as an id; the
page passes axe with the picker open."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_form_picks_a_member_with_the_keyboard(live_server, page, axe):
    from projects.models import Volunteer
    from tests.factory import make_people, make_tree
    from tests.factory_members import make_member
    from tests.factory_volunteer import make_mobile
    from tests.test_members_browser import _login

    tree = make_tree()
    make_people(tree)
    chosen = make_member(tree.grid1, "李红梅")
    make_member(tree.grid1, "李建国")
    make_member(tree.grid2, "李外街")
    _login(page, live_server, "huafu")
    page.goto(live_server.url + reverse("volunteer_staff_volunteer_new"))
    page.fill("input[name=name]", "李红梅")
    page.fill("input[name=mobile]", make_mobile())
    member = page.locator("#id_member-ts-control")
    member.click()
    page.keyboard.type("红梅")
    option = page.get_by_role("option", name="李红梅", exact=False)
    expect(option).to_have_count(1)
    expect(page.get_by_role("option", name="李外街", exact=False)).to_have_count(0)
    assert axe(page) == []
    # The label names the combobox (Tom Select points it at its own input).
    assert page.locator("label[for=id_member-ts-control]").count() == 1
    page.keyboard.press("Enter")
    assert page.locator("input[name=member]").input_value() == str(chosen.pk)
    unit = page.locator("#id_unit-ts-control")
    unit.click()
    page.keyboard.type("梅岗")
    expect(page.get_by_role("option", name="华富街道 / 梅岗社区", exact=True)).to_have_count(1)
    page.keyboard.press("Enter")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    assert Volunteer.objects.get().member == chosen


def test_volunteer_form_picks_two_teams_and_keeps_them_on_edit(live_server, page):
    from projects.models import Volunteer
    from tests.factory import make_people, make_tree
    from tests.factory_volunteer import make_mobile, make_team
    from tests.test_members_browser import _login

    tree = make_tree()
    make_people(tree)
    first, second = make_team(tree.community1, "红色先锋队"), make_team(tree.community1, "红色青年队")
    make_team(tree.community2, "红色外街队")
    _login(page, live_server, "huafu")
    page.goto(live_server.url + reverse("volunteer_staff_volunteer_new"))
    page.fill("input[name=name]", "王芳")
    page.fill("input[name=mobile]", make_mobile())
    unit = page.locator("#id_unit-ts-control")
    unit.click()
    page.keyboard.type("梅岗")
    expect(page.get_by_role("option", name="华富街道 / 梅岗社区", exact=True)).to_have_count(1)
    page.keyboard.press("Enter")
    teams = page.locator("#id_teams-ts-control")
    for name in ("先锋", "青年"):
        teams.click()
        page.keyboard.type(name)
        expect(page.get_by_role("option", name=f"红色{name}队", exact=False)).to_have_count(1)
        page.keyboard.press("Enter")
    teams.click()
    page.keyboard.type("红色")
    expect(page.get_by_role("option", name="红色外街队", exact=False)).to_have_count(0)
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    volunteer = Volunteer.objects.get()
    assert set(volunteer.teams.all()) == {first, second}
    page.goto(live_server.url + reverse("volunteer_staff_volunteer_edit", args=[volunteer.pk]))
    chosen = page.locator(".ts-control:has(#id_teams-ts-control) .item")
    expect(chosen).to_have_count(2)
    expect(chosen.filter(has_text="红色先锋队（梅岗社区）")).to_have_count(1)
