"""A resident on a phone finds an activity, signs up without an account, and cancels with the link."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_resident_signs_up_and_cancels_on_a_phone(live_server, phone, axe):
    from projects.models import Signup
    from tests.factory import make_tree
    from tests.factory_volunteer import make_activity, make_project

    tree = make_tree()
    project = make_project(tree.community1, "梅岗先锋使者在行动", description="党员先锋使者走进楼栋。", star_rating=5)
    make_activity(project, title="楼栋政策宣讲", capacity=5)

    phone.goto(live_server.url + "/")
    phone.get_by_role("link", name="查找活动").click()
    assert phone.get_by_role("heading", name="志愿服务项目").is_visible()
    assert axe(phone) == []
    phone.get_by_role("link", name="楼栋政策宣讲").first.click()
    assert "剩余 5 个" in phone.content()
    phone.get_by_label("您的姓名").fill("王芳")
    phone.get_by_label("您的手机号").fill("139 1234 5678")
    assert axe(phone) == []
    phone.get_by_role("button", name="报名").click()
    expect(phone.get_by_role("heading", name="报名成功")).to_be_visible()
    assert Signup.objects.active().count() == 1
    link = phone.locator("#cancel-link")
    cancel_url = link.get_attribute("href")
    assert cancel_url.startswith(live_server.url + "/volunteer/cancel/")

    # Later, on the same phone without any login, the saved link cancels the place.
    phone.context.clear_cookies()
    phone.goto(cancel_url)
    assert axe(phone) == []
    phone.get_by_role("button", name="确定取消报名").click()
    expect(phone.get_by_role("status")).to_contain_text("已取消报名")
    assert Signup.objects.active().count() == 0
