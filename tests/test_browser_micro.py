"""A resident proposes a micro-project on a phone and gets a tracking code (real Chromium)."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_resident_proposes_on_a_phone_and_sees_the_tracking_code(live_server, phone, axe):
    from django.core.cache import cache

    from projects.models.micro import MicroProject
    from tests.factory import make_tree

    cache.clear()
    tree = make_tree()
    phone.goto(live_server.url + "/micro-projects/propose/")
    assert axe(phone) == []
    phone.get_by_label("您的姓名").fill("王秀英")
    phone.get_by_label("手机号码").fill("13800138000")
    phone.get_by_label("社区").select_option(str(tree.community1.pk))
    phone.get_by_label("项目名称").fill("楼下加装休息座椅")
    phone.get_by_label("要做什么，为什么").fill("老人买菜回来没有地方歇脚。")
    phone.get_by_label("类别").select_option("goods")
    phone.get_by_label("预计费用（元）").fill("8000")
    phone.get_by_role("button", name="添加我的位置（可选）").click()
    phone.get_by_text("已添加位置。").wait_for()
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交提议").click()
    project = MicroProject.objects.get()
    assert project.latitude is not None  # the browser's WGS-84 position was kept
    body = phone.locator("main").inner_text()
    assert project.tracking_code in body
    assert re.search(r"查询码是 MS[A-Z0-9]{8}", body)
    assert "13800138000" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    assert axe(phone) == []


def test_public_list_and_detail_pass_axe_on_a_phone(live_server, phone, axe):
    from tests.factory import make_tree
    from tests.factory_micro import in_progress, make_line, make_project

    tree = make_tree()
    project = in_progress(make_project(tree.community1, title="四点半课堂"), make_line(tree.district))
    phone.goto(live_server.url + "/micro-projects/")
    assert "四点半课堂" in phone.content()
    assert axe(phone) == []
    phone.goto(live_server.url + f"/micro-projects/{project.pk}/")
    assert axe(phone) == []
    phone.goto(live_server.url + f"/micro-projects/track/{project.tracking_code}/")
    assert axe(phone) == []
