"""The public home page in a real browser: phone-sized, accessible, keyboard-only."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_home_passes_axe_in_both_text_modes(live_server, phone, axe):
    from tests.factory import make_tree

    make_tree()
    phone.goto(live_server.url + "/")
    assert "党群服务中心" in phone.title()
    assert axe(phone) == []
    with phone.expect_navigation():
        phone.get_by_role("button", name="大字模式").click()
    assert phone.evaluate("getComputedStyle(document.body).fontSize") == "24px"
    assert axe(phone) == []


def test_large_text_mode_works_with_the_keyboard_alone(live_server, phone):
    phone.goto(live_server.url + "/")
    for _ in range(30):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.textContent.trim()") == "大字模式":
            break
    else:
        pytest.fail("the large-text switch is not reachable with Tab")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert "large-text" in phone.evaluate("document.body.className")
