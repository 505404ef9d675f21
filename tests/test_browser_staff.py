"""Every staff page on a phone, in standard and large-text (适老化) mode, and on a desktop, in a real browser.

The pages are read from the URL conf: every named route under staff/ (tests/matrix.py
staff_patterns) that is not a download and whose GET shows a page of its own (a GET that
redirects, `get_to` in the matrix, is seen where it lands). Each is opened as the insider
holding the role the matrix gives its GET (huafu, or huafu_admin for 管理员 pages), at the
URL the matrix builds from its keywords and tests/factory_world.py's inside records: a new
staff route joins by itself, and one whose keyword has no maker fails here by name.

For each page, at 390×844 and at 1366×900, each in both text modes: axe-core
(wcag2a + wcag2aa) finds nothing; the page does not scroll sideways (tables stack into cards on
a phone, static/portal/staff.css); every Tab stop inside <main> shows a focus ring; at most one
link of the staff menu is marked aria-current="page"; on the phone, every tap target is at least
44×44 px (60×60 in large-text mode) as on the public pages (check_targets), links in running
text excepted. The issue asks for both text modes at both sizes: a wide layout in large text
(tables as tables, the menu as a row) overflows where a phone's stacked one does not.
No tap-target minimum on the desktop: it is used with a pointer, and its tables stay dense.

Run time is bounded: the world is built once for the module and committed (the live server
reads it from its own thread), one browser context and one page serve every route, the
login is a session cookie, and the text mode a cookie; the database is flushed at the end.
"""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings
from django.urls import reverse

from centers.models import Center
from grids.models import Member
from grids.scope import MANAGE
from tests.conftest import FAST_HASHERS
from tests.factory import make_people, make_tree
from tests.factory_world import make_world
from tests.matrix import KEYWORDS, ROUTES, staff_patterns
from tests.test_browser_accessibility import HEIGHT, WIDTH, check_targets, check_width

# Each test in a transaction that writes nothing (the world is committed once, see staff_site);
# the mark also makes pytest-django create the test database when this module runs alone.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

DOWNLOADS = (".json", ".geojson", ".csv", ".xlsx")
# Staff GET routes that answer data or a file, not a page (the test fails for any other route
# that does not answer HTML).
NOT_PAGES = {
    "pick_units": "JSON for the unit picker",
    "pick_members": "JSON for the member picker",
    "pick_volunteers": "JSON for the volunteer picker",
    "pick_teams": "JSON for the team picker",
    "pick_centers": "JSON for the center picker",
    "pick_posts": "JSON for the post picker",
    "job_result": "the file a finished job wrote",
    "report_download": "the file of a kept report",
    "member_import_template": "the roster workbook to fill in",
    "member_export": "the roster workbook",
}
# Pages still failing, with why; each flips to a failure (strict) once fixed.
STILL_FAILING = {}

STAFF = [(name, keys) for name, route, keys in staff_patterns() if not route.endswith(DOWNLOADS)]
PAGES = [
    name for name, _keys in STAFF if name not in NOT_PAGES and not (name in ROUTES and ROUTES[name].get_to is not None)
]


def _param(name):
    if name in STILL_FAILING:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=STILL_FAILING[name]))
    return name


@pytest.fixture(scope="module")
def staff_site(django_db_setup, django_db_blocker, tmp_path_factory, browser, browser_context_args):
    """The world, committed; a live server on it; one phone-sized page; a session per insider."""
    from pytest_django.live_server_helper import LiveServer

    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media):
        tree = make_tree()
        people = make_people(tree)
        world = make_world(tree)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        sessions = {}
        for user in (people.huafu, world.huafu_admin):
            client = Client()
            client.force_login(user)
            sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        context = browser.new_context(**browser_context_args, viewport={"width": WIDTH, "height": HEIGHT})
        page = context.new_page()
        page.emulate_media(reduced_motion="reduce")
        # Only the live server: map tiles and anything else outside never load.
        # The background JSON a page fetches (the bell's count, a picker's first page) is left out:
        # the live server shares one SQLite connection between its threads, and those requests
        # racing the page's own broke its transaction (a 500 seen in CI). The sweep judges pages.
        page.route("**/*", lambda route: route.continue_() if _served(route.request.url, server) else route.abort())
        try:
            yield world, people, server, sessions, context, page
        finally:
            context.close()
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            # With Playwright's event loop running, this thread's database connection is a
            # context-local one (asgiref), not the one pytest-django tears the test database
            # down with: close it, or PostgreSQL refuses to drop a database still in use.
            connections.close_all()


def _served(url, server):
    return url.startswith(server.url) and not any(part in url for part in BACKGROUND_JSON)


BACKGROUND_JSON = ("/staff/pick/", "/staff/notifications/count.json")


def _url(name, world):
    keys = next(keys for route_name, keys in STAFF if route_name == name)
    missing = [key for key in keys if key not in KEYWORDS]
    assert not missing, f"tests/matrix.py has no KEYWORDS maker for {missing} of the staff route {name!r}"
    return reverse(name, kwargs={key: KEYWORDS[key](world, world.inside).pk for key in keys})


def _login(context, server, session, large):
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": server.url},
            {"name": settings.LARGE_TEXT_COOKIE, "value": "1" if large else "0", "url": server.url},
        ]
    )


# The focused element of <main> (None outside it) and whether a ring shows: on itself, or, for a picker's search box, on
# the box around it (tom-select draws the ring there, static/portal/portal.css).
FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || !el.closest('main')) return null;
  const ringed = (node) => {
    const st = getComputedStyle(node);
    return (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || st.boxShadow !== 'none';
  };
  const box = el.closest('.ts-wrapper.focus') && el.closest('.ts-wrapper').querySelector('.ts-control');
  return {tag: el.tagName.toLowerCase(), label: (el.textContent || el.value || el.name || el.id || '').trim().slice(0, 40),
          ring: ringed(el) || (!!box && ringed(box))};
}"""


def check_focus(page, limit=20):
    """Tab from the end of the staff menu (the start of <main> when the menu is folded, its
    button then the first stop) through (at most `limit` of) the page's own stops in <main>:
    each shows a ring (the menu's links are the same on every page)."""
    problems = []
    page.evaluate(
        "(() => { const last = document.querySelector('.staff-nav li:last-child a');"
        " (last && last.offsetParent ? last : document.getElementById('main')).focus({preventScroll: true}); })()"
    )
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_JS)
        if focused is None:  # out of <main>
            break
        if not focused["ring"]:
            problems.append(f"no visible focus on <{focused['tag']}> {focused['label']!r}")
    return problems


def check_page(page, axe, large, width):
    problems = [f"axe {v[0]}: {v[1]} {v[2]}" for v in axe(page)]
    problems += check_width(page, width)
    if width == WIDTH:
        problems += check_targets(page, large)
    current = page.locator(".staff-nav [aria-current=page]").count()
    if current > 1:
        problems.append(f"{current} staff menu links marked as the current page")
    problems += check_focus(page)
    return problems


def test_every_staff_route_is_swept_or_named():
    # A staff route leaves the sweep only as a download, a redirect the matrix records, or data.
    names = {name for name, _keys in STAFF}
    assert set(NOT_PAGES) <= names, f"NOT_PAGES names routes that no longer exist: {set(NOT_PAGES) - names}"
    assert set(STILL_FAILING) <= set(PAGES), f"STILL_FAILING names no swept route: {set(STILL_FAILING) - set(PAGES)}"


DESKTOP_WIDTH, DESKTOP_HEIGHT = 1366, 900
# (width, height, large text) of each look at a page.
VIEWS = tuple((w, h, large) for w, h in ((WIDTH, HEIGHT), (DESKTOP_WIDTH, DESKTOP_HEIGHT)) for large in (False, True))


@pytest.mark.parametrize("name", [_param(name) for name in PAGES])
def test_staff_page_on_a_phone_and_a_desktop(name, staff_site, axe):
    world, people, server, sessions, context, page = staff_site
    assert name in ROUTES, f"tests/matrix.py has no ROUTES entry for the staff route {name!r}"
    need = ROUTES[name].get
    user = world.huafu_admin if need == MANAGE else people.huafu
    url = server.url + _url(name, world)
    failures = []
    try:
        for width, height, large in VIEWS:
            page.set_viewport_size({"width": width, "height": height})
            _login(context, server, sessions[user.pk], large)
            response = page.goto(url)
            assert response.status == 200, f"{name}: {url} answered {response.status}"
            kind = response.headers.get("content-type", "")
            assert kind.startswith("text/html"), f"{name} answers {kind}: list it in NOT_PAGES if it is data"
            view = f"{width}px {'large' if large else 'standard'}"
            failures += [f"[{view}] {p}" for p in check_page(page, axe, large, width)]
    finally:
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    assert not failures, f"{name} ({url}):\n  " + "\n  ".join(failures)


def test_the_staff_menu_marks_the_current_section(staff_site):
    world, people, server, sessions, context, page = staff_site
    _login(context, server, sessions[people.huafu.pk], large=False)
    for name, kwargs, section in (
        ("staff_home", {}, "staff_home"),
        ("member_list", {}, "member_list"),
        ("member_detail", {"member_pk": world.inside.records[Member].pk}, "member_list"),
        ("staff_center_coverage", {}, "staff_center_coverage"),
    ):
        page.goto(server.url + reverse(name, kwargs=kwargs))
        marked = page.locator(".staff-nav [aria-current=page]")
        assert marked.count() == 1, f"{name}: {marked.count()} links marked"
        assert marked.get_attribute("href") == reverse(section), name


# A cell's width, its display, and the heading it shows (the ::before content).
CELL_JS = """(sel) => Array.from(document.querySelectorAll(sel)).map(el => ({
  w: el.getBoundingClientRect().width, display: getComputedStyle(el).display,
  label: el.getAttribute('data-label'), before: getComputedStyle(el, '::before').content}))"""


def test_staff_tables_stack_into_labelled_cards_on_a_phone(staff_site):
    world, people, server, sessions, context, page = staff_site
    _login(context, server, sessions[people.huafu.pk], large=False)
    page.goto(server.url + reverse("member_list"))
    cells = page.evaluate(CELL_JS, "main table.table tbody td")
    assert cells, "the member list shows no table cells"
    assert all(c["display"] in ("block", "flow-root") and c["w"] > 300 for c in cells), cells[:3]
    named = [c for c in cells if c["label"]]
    assert {c["label"] for c in named} >= {"姓名", "手机号码", "单位"}, named[:3]
    assert all(c["before"] == f'"{c["label"]}"' for c in named), named[:3]
    assert page.evaluate("document.querySelector('main table.table thead').getBoundingClientRect().height") <= 1
    # The opening-hours editor: each row's weekday select is as wide as the card.
    page.goto(server.url + reverse("staff_center_edit", kwargs={"center_pk": world.inside.records[Center].pk}))
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('select[name$=-weekday]')).map(s => s.getBoundingClientRect().width)"
    )
    assert widths and min(widths) > 300, widths
    # On a desktop the same tables stay tables.
    page.set_viewport_size({"width": 1366, "height": 900})
    try:
        page.goto(server.url + reverse("member_list"))
        assert {c["display"] for c in page.evaluate(CELL_JS, "main table.table tbody td")} == {"table-cell"}
    finally:
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


# The folded menu's button, its list, and where the page's own content starts.
MENU_JS = """() => {
  const button = document.querySelector('.staff-menu-toggle');
  const list = document.getElementById('staff-sections');
  const r = button.getBoundingClientRect();
  return {button: !button.hidden && r.width > 0, label: button.textContent.replace(/\\s+/g, ' ').trim(),
          expanded: button.getAttribute('aria-expanded'), listShown: list.getBoundingClientRect().height > 0,
          contentTop: document.querySelector('.staff-menu').nextElementSibling.getBoundingClientRect().top + scrollY};
}"""


def test_the_staff_menu_folds_behind_one_button_on_a_phone(staff_site):
    world, people, server, sessions, context, page = staff_site
    _login(context, server, sessions[people.huafu.pk], large=False)
    page.goto(server.url + reverse("member_list"))
    menu = page.evaluate(MENU_JS)
    assert menu["button"] and not menu["listShown"] and menu["expanded"] == "false", menu
    assert menu["label"] == "菜单党员", menu  # the current section, named on the button ("·" from CSS)
    assert menu["contentTop"] < 260, menu  # the page's own content starts right under the header
    # By keyboard: the button is the first stop in <main>, Enter opens, Tab goes into the list.
    page.evaluate("document.getElementById('main').focus()")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('staff-menu-toggle')")
    page.keyboard.press("Enter")
    menu = page.evaluate(MENU_JS)
    assert menu["listShown"] and menu["expanded"] == "true", menu
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#staff-sections') !== null")
    links = page.evaluate(
        "Array.from(document.querySelectorAll('#staff-sections a')).map(a => a.getBoundingClientRect())"
        ".map(r => [r.width, r.height])"
    )
    assert all(w > 300 and h >= 44 for w, h in links), links  # one full-width link per line
    # Escape closes it and gives the focus back to the button.
    page.keyboard.press("Escape")
    menu = page.evaluate(MENU_JS)
    assert not menu["listShown"] and menu["expanded"] == "false", menu
    assert page.evaluate("document.activeElement.classList.contains('staff-menu-toggle')")
    # On a desktop: no button, the sections in a row.
    page.set_viewport_size({"width": DESKTOP_WIDTH, "height": DESKTOP_HEIGHT})
    try:
        menu = page.evaluate(MENU_JS)
        assert not menu["button"] and menu["listShown"], menu
    finally:
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


def test_staff_pages_without_javascript_on_a_phone(staff_site, browser, browser_context_args):
    """No script, no labels: the tables stay tables scrolling in their own box (first column
    fixed) rather than cards without headings, and the menu shows every section."""
    world, people, server, sessions, _context, _page = staff_site
    context = browser.new_context(
        **browser_context_args, viewport={"width": WIDTH, "height": HEIGHT}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if _served(route.request.url, server) else route.abort())
        _login(context, server, sessions[people.huafu.pk], large=False)
        page.goto(server.url + reverse("member_list"))
        assert check_width(page) == []
        table = page.evaluate(
            """() => { const t = document.querySelector('main table.table');
            const first = t.querySelector('tbody td, tbody th');
            return {cls: t.className, overflow: getComputedStyle(t).overflowX,
                    cells: Array.from(t.querySelectorAll('tbody td')).map(c => getComputedStyle(c).display),
                    sticky: getComputedStyle(first).position, head: t.tHead.getBoundingClientRect().height}; }"""
        )
        assert "table-cards" not in table["cls"] and table["overflow"] == "auto", table
        assert set(table["cells"]) == {"table-cell"} and table["head"] > 1, table
        assert table["sticky"] == "sticky", table
        menu = page.evaluate(MENU_JS)
        assert not menu["button"] and menu["listShown"], menu
    finally:
        context.close()
