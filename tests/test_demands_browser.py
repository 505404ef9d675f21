"""A resident on a phone files a demand with a photo and the phone's location, then follows it by
its code (real Chromium). Fields are found by id: their labels are translated by the catalogues."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_resident_files_with_photo_and_location_then_follows_the_code(live_server, phone, axe, tmp_path):
    from decimal import Decimal

    from django.core.cache import cache

    from grids.models import Demand
    from tests import factory_demands as fd
    from tests.conftest import FUTIAN
    from tests.factory import make_tree
    from tests.test_images import real_image

    cache.clear()
    tree = make_tree()
    # The phone stands next to 11栋 of 梅岗社区's 第1网格.
    tree.building1.latitude = Decimal(str(FUTIAN["latitude"]))
    tree.building1.longitude = Decimal(str(FUTIAN["longitude"]))
    tree.building1.save()
    category = fd.category(tree.community1)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(real_image().read())

    phone.goto(live_server.url + "/demands/new/")
    assert axe(phone) == []
    phone.locator("#id_category").select_option(str(category.pk))
    phone.locator("#id_title").fill("楼道灯坏了")
    phone.locator("#id_description").fill("三楼楼道灯不亮，晚上看不见。")
    phone.locator("#id_photos").set_input_files(str(photo))
    phone.locator("#demand-location").click()
    expect(phone.locator("#id_latitude")).not_to_have_value("")  # no eval: the page's CSP forbids it
    phone.locator("#id_name").fill("王秀英")
    phone.locator("#id_mobile").fill("13800138000")
    with phone.expect_navigation():
        phone.locator("form[enctype] button[type=submit]").click()
    demand = Demand.objects.get()
    assert (demand.unit, demand.photos.count()) == (tree.grid1, 1)
    assert demand.latitude is not None
    assert demand.code in phone.locator("main").inner_text()
    assert "13800138000" not in phone.content() and "王秀英" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.goto(live_server.url + "/demands/track/")
    phone.locator("#id_code").fill(f" {demand.code[:4].lower()}-{demand.code[4:]} ")
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    assert phone.url.endswith(f"/demands/track/{demand.code}/")
    assert "楼道灯坏了" in phone.content()
    assert axe(phone) == []


def test_choosing_a_street_narrows_the_communities_at_once_and_enter_sends(live_server, phone, axe):
    from django.core.cache import cache

    from grids.models import Demand
    from tests import factory_demands as fd
    from tests.factory import make_tree

    cache.clear()
    tree = make_tree()
    category = fd.category(tree.community1)
    phone.goto(live_server.url + "/demands/new/")
    assert phone.locator("#demand-street-go").count() == 0  # the script does the second step
    phone.locator("#id_street").select_option(str(tree.street2.pk))
    options = phone.eval_on_selector_all("#id_community option", "os => os.map(o => o.value)")
    assert options == ["", str(tree.community2.pk)]
    phone.locator("#id_community").select_option(str(tree.community2.pk))
    phone.locator("#id_street").select_option("")
    assert len(phone.eval_on_selector_all("#id_community option", "os => os")) == 3
    assert phone.locator("#id_community").input_value() == str(tree.community2.pk)  # kept
    phone.locator("#id_category").select_option(str(category.pk))
    phone.locator("#id_description").fill("小区门口井盖松动。")
    phone.locator("#id_anonymous").check()
    phone.locator("#id_title").fill("井盖松动")
    assert axe(phone) == []
    with phone.expect_navigation():
        phone.locator("#id_title").press("Enter")  # the form's default button is "Send"
    assert Demand.objects.get().community == tree.community2
