"""Large-text mode (适老化) makes every text large (issue 13), on public and staff pages.

The accessibility sweep checks the main text blocks; this one measures the computed font size of
every piece of visible text on the page: badges, small print, grey notes, captions, table cells,
form hints, the header's brand and tools, the footer. In the standard mode some of them are
smaller than 24 px (which shows the measure sees them); in large-text mode none may be (MIIT 2021:
main text ≥ 18 pt = 24 px), and its line spacing is at least 1.3.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from grids.models import Role
from tests.factory import make_user
from tests.test_browser_accessibility import make_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844

# Each visible piece of text, by the element that holds it: its font size and line spacing.
TEXTS_JS = """() => {
  const out = [];
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (el.closest('script, style, option, .visually-hidden, [hidden], .leaflet-container')) continue;
    if (el.classList.contains('visually-hidden-focusable') && document.activeElement !== el) continue;
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    if (!r.width || !r.height || st.visibility === 'hidden') continue;
    const size = parseFloat(st.fontSize);
    const lh = st.lineHeight === 'normal' ? 1.2 * size : parseFloat(st.lineHeight);
    out.push({what: `<${el.tagName.toLowerCase()} class="${el.className.toString().slice(0, 50)}"> ${node.textContent.trim().slice(0, 24)}`,
              size, spacing: Math.round(lh / size * 100) / 100});
  }
  return out;
}"""


@pytest.fixture
def site(page, live_server):
    demo = make_demo()
    staffer = make_user("large_text_staff", demo.center.owner, Role.ADMIN)
    client = Client()
    client.force_login(staffer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
    )
    return demo, session, page, live_server


def _pages(demo):
    public = [
        reverse("home"),
        reverse("center_list"),
        reverse("center_detail", kwargs={"center_pk": demo.center.pk}),
        reverse("center_nearby") + "?lat=22.5431&lng=114.0579",
        reverse("volunteer_index"),
        reverse("volunteer_project", kwargs={"project_pk": demo.project.pk}),
        reverse("micro_list"),
        reverse("micro_track_code", kwargs={"code": demo.micro.tracking_code}),
        reverse("demand_new"),
    ]
    staff = [
        reverse("staff_home"),
        reverse("staff_center_list"),
        reverse("staff_center_detail", kwargs={"center_pk": demo.center.pk}),
        reverse("member_list"),
        reverse("demand_queue"),
        reverse("micro_staff_list"),
        reverse("micro_staff_detail", kwargs={"micro_pk": demo.micro.pk}),
    ]
    return public, staff


def _measure(page, server, url, *, large, session=None):
    page.context.clear_cookies()
    cookies = [{"name": settings.LARGE_TEXT_COOKIE, "value": "1", "url": server.url}] if large else []
    if session:
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": server.url})
    if cookies:
        page.context.add_cookies(cookies)
    response = page.goto(server.url + url)
    assert response.status == 200, url
    assert ("large-text" in page.evaluate("document.body.className")) == large
    return page.evaluate(TEXTS_JS)


def test_every_text_is_large_in_large_text_mode(site):
    demo, session, page, server = site
    public, staff = _pages(demo)
    small_in_standard, problems = set(), []
    for url, login in [*((u, None) for u in public), *((u, session) for u in staff)]:
        for text in _measure(page, server, url, large=False, session=login):
            if text["size"] < 24:
                small_in_standard.add(text["what"].split(">")[0])
        for text in _measure(page, server, url, large=True, session=login):
            if text["size"] < 24 or text["spacing"] < 1.295:
                problems.append(f"{url}: {text['what']} {text['size']}px / {text['spacing']}")
    # The measure sees what was small: badges, small print, the brand, captions...
    seen = " ".join(small_in_standard)
    for kind in ('class="badge', 'class="small', 'class="navbar-brand', "<caption", "<td", "<th"):
        assert kind in seen, f"no {kind} text measured in the standard mode: {sorted(small_in_standard)[:20]}"
    assert not problems, "text stays small in large-text mode:\n  " + "\n  ".join(problems[:40])


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_header_is_one_row_on_a_phone(site, language):
    """The brand and the menu button share one row at 390 px, in English too, in both text modes."""
    _demo, _session, page, server = site
    for large in (False, True):
        page.context.clear_cookies()
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": server.url}]
        if large:
            cookies.append({"name": settings.LARGE_TEXT_COOKIE, "value": "1", "url": server.url})
        page.context.add_cookies(cookies)
        page.goto(server.url + reverse("center_list"))
        boxes = page.evaluate(
            """() => ['.navbar-brand', '.navbar-toggler'].map(s => {
                 const r = document.querySelector(s).getBoundingClientRect();
                 return {top: r.top, bottom: r.bottom, right: r.right};
               })"""
        )
        brand, toggler = boxes
        assert toggler["top"] < brand["bottom"] and brand["top"] < toggler["bottom"], (language, large, boxes)
        assert max(brand["right"], toggler["right"]) <= WIDTH, (language, large, boxes)
