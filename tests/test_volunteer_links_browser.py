"""In a real browser: a resident follows an activity's center link; a staffer adds hours for a
volunteer who came without signing up, and links a volunteer to a Party member (axe-clean)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    from tests.factory import PASSWORD

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def test_resident_follows_the_activity_center_link_on_a_phone(live_server, page, axe):
    from tests.factory import make_tree
    from tests.factory_centers import make_center
    from tests.factory_volunteer import make_activity, make_project

    tree = make_tree()
    center = make_center(tree.community1, "梅岗社区党群服务中心")
    project = make_project(tree.community1, "梅岗先锋使者在行动", center=center, star_rating=5)
    activity = make_activity(project, title="楼栋政策宣讲", center=center, address="二楼会议室")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("volunteer_activity", args=[activity.pk]))
    assert center.address in page.content() and "二楼会议室" in page.content()
    assert axe(page) == []
    with page.expect_navigation():
        page.get_by_role("link", name="梅岗社区党群服务中心").click()
    assert page.url.endswith(reverse("center_detail", args=[center.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("梅岗社区党群服务中心")


def test_staff_add_a_walk_in_and_link_a_member(live_server, page, axe):
    from projects.models import ServiceRecord
    from tests.factory import make_people, make_tree
    from tests.factory_members import make_member
    from tests.factory_volunteer import make_activity, make_project, make_signup, make_volunteer

    tree = make_tree()
    make_people(tree)
    activity = make_activity(make_project(tree.community1), days=-1, hours=2)
    make_signup(activity, name="报名者")
    walk_in = make_volunteer(tree.community1, "临时来的", "13912340002")
    member = make_member(tree.grid1, "张建国", mobile="13800138000")
    _login(page, live_server, "huafu")

    page.goto(live_server.url + reverse("volunteer_staff_attendance", args=[activity.pk]))
    assert axe(page) == []
    page.get_by_label("未报名的志愿者").select_option(str(walk_in.pk))
    page.get_by_label("时长（小时）", exact=True).fill("1.5")
    with page.expect_navigation():
        page.get_by_role("button", name="保存签到").click()
    assert ServiceRecord.objects.get().volunteer == walk_in

    page.goto(live_server.url + reverse("volunteer_staff_volunteer_edit", args=[walk_in.pk]))
    assert axe(page) == []
    assert "13800138000" not in page.content() and member.id_card_masked not in page.content()
    # The member is a search-as-you-type picker: type part of the name, choose the option.
    page.locator("#id_member-ts-control").click()
    page.keyboard.type(member.name[-2:])
    page.get_by_role("option", name=member.name, exact=False).first.click()
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert page.url.endswith(reverse("volunteer_staff_volunteer", args=[walk_in.pk]))
    assert "梅岗社区 / 第1网格" in page.content()
    assert axe(page) == []


def test_searching_for_a_walk_in_keeps_the_hours_typed(live_server, page, axe):
    """查找 used to reload the page and throw away the hours typed above it."""
    from projects.models import ServiceRecord
    from tests.factory import make_people, make_tree
    from tests.factory_volunteer import make_activity, make_project, make_signup, make_volunteer

    tree = make_tree()
    make_people(tree)
    activity = make_activity(make_project(tree.community1), days=-1, hours=2)
    signup = make_signup(activity, name="报名者")
    make_volunteer(tree.street1, "街道志愿者", "13912349999")
    _login(page, live_server, "huafu")
    url = live_server.url + reverse("volunteer_staff_attendance", args=[activity.pk])
    page.goto(url)
    page.get_by_label("报名者 已到场").check()
    page.get_by_label("报名者 的服务时长").fill("1.75")
    page.locator("#find").fill("街道")
    with page.expect_navigation():
        page.locator("button[name=search]").click()
    assert page.url == url + "#walk-in"
    expect(page.get_by_label("报名者 已到场")).to_be_checked()
    expect(page.get_by_label("报名者 的服务时长")).to_have_value("1.75")
    expect(page.locator("#find")).to_have_value("街道")
    assert page.get_by_label("未报名的志愿者").locator("option").all_inner_texts()[1:] == ["街道志愿者 (139****9999)"]
    assert not ServiceRecord.objects.exists()
    assert axe(page) == []
    # Enter in the search box searches too (the search button is the form's first).
    page.locator("#find").fill("没有这个人")
    with page.expect_navigation():
        page.locator("#find").press("Enter")
    expect(page.get_by_label("报名者 的服务时长")).to_have_value("1.75")
    assert page.get_by_label("未报名的志愿者").locator("option").count() == 1
    page.get_by_label("未报名的志愿者").select_option("")
    with page.expect_navigation():
        page.get_by_role("button", name="保存签到").click()
    assert list(ServiceRecord.objects.values_list("hours", flat=True)) == [Decimal("1.75")]
    assert ServiceRecord.objects.get().volunteer.mobile == signup.mobile
