"""The lifecycle stepper in a real browser: a list read top to bottom on a phone and in
large-text mode (each stage below the one before, nothing wider than the screen), a row of
stages on a wide screen; the current stage is the one aria-current names."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOXES_JS = """() => [...document.querySelectorAll('ol.stepper > li')].map(li => {
  const r = li.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, current: li.getAttribute('aria-current')};
})"""


def _pairs(boxes):
    return zip(boxes, boxes[1:], strict=False)


def _layout(page, url, width, large):
    page.set_viewport_size({"width": width, "height": 900})
    page.context.clear_cookies()
    if large:
        page.context.add_cookies([{"name": settings.LARGE_TEXT_COOKIE, "value": "1", "url": url}])
    page.goto(url)
    assert ("large-text" in page.evaluate("document.body.className")) == large
    wide = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    return page.evaluate(BOXES_JS), wide


def test_the_stepper_is_a_list_on_a_phone_and_a_row_on_a_wide_screen(live_server, page):
    from tests import factory_micro as fm
    from tests.factory import make_tree

    tree = make_tree()
    project = fm.approved(fm.make_project(tree.community1, "楼道照明改造"), fm.make_line(tree.community1))
    url = live_server.url + reverse("micro_detail", args=[project.pk])
    for width, large in ((390, False), (390, True), (1366, True)):
        boxes, wide = _layout(page, url, width, large)
        assert len(boxes) == 5 and not wide, (width, large)
        assert all(later["top"] >= earlier["bottom"] for earlier, later in _pairs(boxes)), (width, large)
        assert all(box["right"] <= width for box in boxes), (width, large)
        assert [box["current"] for box in boxes] == [None, None, "step", None, None]
    boxes, wide = _layout(page, url, 1366, False)
    assert not wide and len({round(box["top"]) for box in boxes}) == 1
    assert all(later["left"] >= earlier["right"] for earlier, later in _pairs(boxes))
