"""Member pages in a real browser: accessible (axe), masked, and the reveal flow of a 管理员."""

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


def test_member_pages_pass_axe_and_stay_masked(live_server, page, axe):
    from tests.factory import make_people, make_tree
    from tests.factory_members import make_member, make_post

    tree = make_tree()
    make_people(tree)
    member = make_member(tree.grid1, "李红")
    post = make_post(tree.building1)
    _login(page, live_server, "huafu")
    for url in [
        reverse("member_list"),
        reverse("member_detail", args=[member.pk]),
        reverse("member_edit", args=[member.pk]),
        reverse("member_import"),
        reverse("post_list"),
        reverse("post_detail", args=[post.pk]),
        reverse("member_reporting"),
    ]:
        page.goto(live_server.url + url)
        assert axe(page) == [], url
        assert member.reveal_id_card() not in page.content(), url


def test_an_administrator_reveals_and_it_is_recorded(live_server, page):
    from grids.models import PersonalDataReveal
    from tests.factory import make_people, make_tree
    from tests.factory_members import make_member

    tree = make_tree()
    make_people(tree)
    member = make_member(tree.grid1, "李红")
    _login(page, live_server, "district_admin")
    page.goto(live_server.url + reverse("member_detail", args=[member.pk]))
    assert member.id_card_masked in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="查看完整号码（将被记录）").click()
    assert member.reveal_id_card() in page.content()
    assert member.reveal_id_card() not in page.url
    assert PersonalDataReveal.objects.filter(member=member).count() == 1
