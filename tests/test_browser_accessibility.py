"""Every public page on a phone, in standard and large-text (适老化) mode, in a real browser.

The pages are read from the URL conf: every named route outside staff/, admin/, i18n/ and
accounts/ that is not a download (.json/.geojson/.csv/.xlsx/.txt) or a POST-only endpoint. A
route with URL keywords needs an entry in RECORD below (a function of the demo data giving
its kwargs); a new public route without one fails `test_every_public_route_has_a_record`.

For each page, at 390×844 with the map tile host blocked (pages must work as a list):
axe-core (wcag2a + wcag2aa) finds nothing; no horizontal scrolling; every visible interactive
element is at least 44×44 px (60×60 in large-text mode, MIIT 2021 适老化), links inside a
paragraph of running text excepted (WCAG 2.5.8 inline exception); in large-text mode the body
text is at least 24 px (18 pt) with line spacing at least 1.3; the keyboard alone reaches
every interactive element in DOM order with a visible focus ring; the skip link comes first
and moves focus to <main>; the large-text toggle and the language switch work by keyboard.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844
PRIVATE_PREFIXES = ("staff/", "admin/", "i18n/", "accounts/")
DOWNLOADS = (".json", ".geojson", ".csv", ".xlsx", ".txt")
# Endpoints that only take a POST (tests below check that a GET gets 405).
POST_ONLY = {"text_size"}
INTERACTIVE = "a[href], button, input:not([type=hidden]), select, textarea, [role=button], [tabindex]"


def public_routes():
    """(name, route, keyword names) for every public page in the URL conf."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if route.startswith(PRIVATE_PREFIXES) or route.endswith(DOWNLOADS):
                    continue
                if pattern.name in POST_ONLY:
                    continue
                found.append((pattern.name, route, sorted(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


# --- A small demo dataset with one public record of each kind ----------------------------


@dataclass
class Demo:
    center: object
    project: object
    activity: object
    cancel_token: str
    certificate: object
    micro: object
    demand: object = None
    open_demand: object = None
    signup_code: str = ""


def make_demo():
    from centers.models import RoomKind
    from projects.services import activities as volunteer_services
    from tests import factory_centers as fc
    from tests import factory_micro as fm
    from tests import factory_volunteer as fv
    from tests.factory import make_tree

    tree = make_tree()
    center = fc.make_center(tree.community1, lat=22.5431, lng=114.0579)
    fc.add_rooms(center, (RoomKind.HALL, 120), (RoomKind.READING, 60))
    center.services.add(fc.service("党员教育"), fc.service("政策咨询"))
    fc.add_closure(center, date.today() + timedelta(days=2))
    fc.make_center(tree.community2, lat=22.556, lng=114.055)

    project = fv.make_project(
        tree.community1, "梅岗先锋使者在行动", description="党员先锋使者走进楼栋。", star_rating=5
    )
    activity = fv.make_activity(project, title="楼栋政策宣讲", capacity=5)
    fv.make_activity(project, title="长者关爱探访", days=5)
    team = fv.make_team(tree.community1, "梅岗红色先锋队")
    volunteer = fv.make_volunteer(tree.community1, "王芳")
    volunteer.teams.add(team)
    fv.make_record(fv.make_activity(project, title="往期活动", days=-7), volunteer, hours="6.00")
    certificate = fv.make_certificate(volunteer, hours="6.00")
    signup, token = volunteer_services.sign_up(activity_id=activity.pk, name="李明", mobile="13912345678")

    line = fm.make_line(tree.community1)
    micro = fm.accepted(fm.make_project(tree.community1, "楼道照明改造"), line)
    fm.make_project(tree.community2, "长者饭堂桌椅更新", amount="20000.00")
    from decimal import Decimal

    from tests import factory_demands as fd

    # Located: the public board draws its map (and its Tab stops) too.
    place = {"latitude": Decimal("22.551234"), "longitude": Decimal("114.081234")}
    demand = fd.make_demand(tree.community1, "楼道灯坏了", status="handled", **place)
    open_demand = fd.make_demand(tree.community1, "井盖松动")
    return Demo(center, project, activity, token, certificate, micro, demand, open_demand, signup.code)


# Route name -> kwargs from the demo data, for every public route with URL keywords.
RECORD = {
    "center_detail": lambda d: {"center_pk": d.center.pk},
    "volunteer_project": lambda d: {"project_pk": d.project.pk},
    "volunteer_activity": lambda d: {"activity_pk": d.activity.pk},
    "volunteer_cancel": lambda d: {"token": d.cancel_token},
    "micro_track_code": lambda d: {"code": d.micro.tracking_code},
    "micro_detail": lambda d: {"pk": d.micro.pk},
    "demand_track_code": lambda d: {"code": d.demand.code},
    "demand_also": lambda d: {"demand_pk": d.open_demand.pk},
}

# Pages that look different with a query: filled in, like a resident would get them.
QUERIES = {
    "volunteer_verify": lambda d: f"?code={d.certificate.code}",
    "center_nearby": lambda d: "?lat=22.5431&lng=114.0579",
}

ROUTES = public_routes()


def test_every_public_route_has_a_record():
    missing = [f"{name} ({route})" for name, route, keys in ROUTES if keys and name not in RECORD]
    assert not missing, (
        "Public routes with URL keywords but no record maker in tests/test_browser_accessibility.py "
        f"RECORD: {', '.join(missing)}. Add a maker that returns kwargs for a real public record."
    )


def test_post_only_endpoints_refuse_get(client):
    for name in POST_ONLY:
        assert client.get(reverse(name)).status_code == 405, f"{name} is listed as POST-only but answers GET"


# --- Browser helpers ----------------------------------------------------------------------


@pytest.fixture
def phone(page, live_server):
    """A phone-sized page that can reach the live server only: map tiles never load."""
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    # Bootstrap skips its collapse animation then: the menu opens at once (saves seconds).
    page.emulate_media(reduced_motion="reduce")
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
    )
    return page


# Every visible interactive element: its size (with its <label> for a check box or radio,
# the label being part of the tap target), and whether it is a link in running text.
TARGETS_JS = """(sel) => {
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('[hidden], [aria-hidden=true]') || el.disabled) continue;
    if (el.classList.contains('visually-hidden-focusable') && document.activeElement !== el) continue;
    let r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || st.visibility === 'hidden') continue;
    if (el.getAttribute('tabindex') === '-1' && !el.matches('a[href], button, input, select, textarea')) continue;
    // A picker (tom-select, staff pages) hides its own field and stands in for it with a search
    // box, which a tap anywhere in the box around it focuses: that box is the target.
    if (el.classList.contains('ts-hidden-accessible')) continue;
    if (el.tagName === 'INPUT' && el.closest('.ts-control')) r = el.closest('.ts-control').getBoundingClientRect();
    let w = r.width, h = r.height;
    if (el.type === 'checkbox' || el.type === 'radio') {
      for (const lab of el.labels || []) {
        const l = lab.getBoundingClientRect();
        const left = Math.min(r.left, l.left), right = Math.max(r.right, l.right);
        const top = Math.min(r.top, l.top), bottom = Math.max(r.bottom, l.bottom);
        w = right - left; h = bottom - top;
      }
    }
    let inline = false;
    if (el.tagName === 'A') {
      const p = el.closest('p');
      inline = !!p && p.textContent.trim().length > el.textContent.trim().length;
    }
    const label = (el.getAttribute('aria-label') || el.textContent || el.value || el.name || '').trim().slice(0, 40);
    out.push({tag: el.tagName.toLowerCase(), label, id: el.id, cls: el.className.toString().slice(0, 60),
              w: Math.round(w * 10) / 10, h: Math.round(h * 10) / 10, inline});
  }
  return out;
}"""

# Body text and the text blocks of <main>: font size and line spacing.
TEXT_JS = """() => {
  const bad = [];
  const check = (el, what) => {
    const st = getComputedStyle(el);
    const size = parseFloat(st.fontSize);
    const lh = st.lineHeight === 'normal' ? 1.2 * size : parseFloat(st.lineHeight);
    if (size < 24 || lh / size < 1.295) bad.push(`${what}: ${size}px / line-height ${(lh / size).toFixed(2)}`);
  };
  check(document.body, 'body');
  const blocks = 'main p, main li, main dd, main dt, main td, main th, main h1, main h2, main h3, main h4, main h5, main h6, main label, main .form-control, main .form-select';
  for (const el of document.querySelectorAll(blocks)) {
    // Secondary notes (small print, badges) may be smaller; form labels, hints and errors never are.
    if (el.tagName !== 'LABEL' && el.closest('small, .small, .badge, .visually-hidden')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || !el.textContent.trim() && !el.matches('.form-control')) continue;
    check(el, `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}"`);
  }
  return bad;
}"""

FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const st = getComputedStyle(el);
  const ring = (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || st.boxShadow !== 'none';
  const all = Array.from(document.querySelectorAll('*'));
  return {index: all.indexOf(el), tag: el.tagName.toLowerCase(), label: (el.textContent || el.value || el.name || '').trim().slice(0, 40), ring};
}"""

# Elements the keyboard must reach: what TARGETS_JS lists, minus those taken out of the tab order.
TABBABLE_JS = """(sel) => {
  const all = Array.from(document.querySelectorAll('*'));
  return Array.from(document.querySelectorAll(sel)).filter(el => {
    if (el.closest('[hidden], [aria-hidden=true], [inert]') || el.disabled || el.tabIndex < 0) return false;
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    if (el.classList.contains('visually-hidden-focusable')) return true;
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden';
  }).map(el => ({index: all.indexOf(el), tag: el.tagName.toLowerCase(),
                 label: (el.textContent || el.value || el.name || '').trim().slice(0, 40)}));
}"""


def check_width(page, width=WIDTH):
    """The page does not scroll sideways at the viewport's width (phone by default; the problem as a
    readable string, or none)."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll <= width:
        return []
    wide = page.evaluate(
        """(w) => Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1)
        .slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + e.className.toString().slice(0, 40))""",
        width,
    )
    return [f"scrolls sideways: scrollWidth {scroll} > {width} ({wide})"]


def check_layout(page, large):
    """Problems with width, text size and tap targets, as readable strings."""
    problems = check_width(page)
    if large:
        problems += [f"text too small: {t}" for t in page.evaluate(TEXT_JS)]
    return problems + check_targets(page, large)


def check_targets(page, large):
    """Tap targets smaller than 44×44 px (60×60 in large-text mode), links in running text excepted."""
    problems = []
    least = 60 if large else 44
    for t in page.evaluate(TARGETS_JS, INTERACTIVE):
        if t["inline"]:
            continue
        if t["w"] < least or t["h"] < least:
            problems.append(
                f"tap target {t['w']}×{t['h']} < {least}: <{t['tag']} {t['id'] or t['cls']}> {t['label']!r}"
            )
    return problems


def check_keyboard(page):
    """Tab through the page: every interactive element is reached, in DOM order, with a focus ring."""
    problems = []
    # A map loads Leaflet (and its controls, more Tab stops) only once it scrolls into view:
    # bring it in first, so the walk and the list of what it must reach see the same page.
    # Any map of static/centers/map.js (the centers' and the demands') carries data-leaflet-js.
    if page.locator("[data-leaflet-js]").count():
        page.locator("[data-leaflet-js]").first.scroll_into_view_if_needed()
        page.wait_for_selector("[data-leaflet-js].leaflet-container", timeout=15_000)
        page.evaluate("window.scrollTo(0, 0)")
    expected = page.evaluate(TABBABLE_JS, INTERACTIVE)
    reset_focus(page)
    seen = []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_JS)
        if focused is None or (seen and focused["index"] == seen[0]["index"]):
            break
        if not focused["ring"]:
            problems.append(f"no visible focus on <{focused['tag']}> {focused['label']!r}")
        seen.append(focused)
    reached = {f["index"] for f in seen}
    missed = [f"<{e['tag']}> {e['label']!r}" for e in expected if e["index"] not in reached]
    if missed:
        problems.append(f"not reachable by Tab: {missed[:5]}")
    order = [f["index"] for f in seen]
    if order != sorted(order):
        problems.append(f"Tab order differs from reading order: {[f['label'] for f in seen][:12]}")
    return problems


def check_menu(page, large):
    """On a phone the main menu is folded: it opens by keyboard, and its links are big enough."""
    if not page.evaluate("getComputedStyle(document.querySelector('.navbar-toggler')).display !== 'none'"):
        return []
    if not tab_to(page, "el.classList.contains('navbar-toggler')"):
        return ["the menu button is not reachable by Tab"]
    page.keyboard.press("Enter")
    try:
        page.wait_for_selector("#nav.show", timeout=3000)
    except Exception:  # noqa: BLE001 - reported as a finding, not a crash
        return ["the menu button does not open the menu with Enter"]
    least = 60 if large else 44
    problems = [
        f"menu item {t['w']}×{t['h']} < {least}: <{t['tag']}> {t['label']!r}"
        for t in page.evaluate(TARGETS_JS, "#nav a[href], #nav button")
        if t["w"] < least or t["h"] < least
    ]
    page.keyboard.press("Tab")
    if page.evaluate("!document.activeElement.closest('#nav')"):
        problems.append("Tab after the open menu button does not go into the menu")
    page.locator(".navbar-toggler").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#nav:not(.show):not(.collapsing)", state="attached", timeout=3000)
    return problems


def reset_focus(page):
    """Put the keyboard back at the top of the page, as after loading it (a blur() alone keeps
    the browser's sequential-focus starting point where it was)."""
    page.evaluate(
        "(() => { const r = document.documentElement; r.tabIndex = -1; r.focus({preventScroll: true});"
        " r.removeAttribute('tabindex'); window.scrollTo(0, 0); })()"
    )


def tab_to(page, predicate_js, limit=80):
    reset_focus(page)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate_js}; }})()"):
            return True
    return False


def check_skip_link(page):
    """The first Tab stop is a visible "skip to main content" link that moves focus to <main>."""
    reset_focus(page)
    page.keyboard.press("Tab")
    first = page.evaluate(
        "(() => { const el = document.activeElement; const r = el.getBoundingClientRect();"
        " return {skip: el.classList.contains('skip-link'), href: el.getAttribute('href'),"
        " w: Math.round(r.width), h: Math.round(r.height)}; })()"
    )
    if not (first["skip"] and first["href"] == "#main"):
        return [f"the first Tab stop is not the skip link: {first}"]
    problems = []
    least = 60 if "large-text" in page.evaluate("document.body.className") else 44
    if first["w"] < least or first["h"] < least:
        problems.append(f"the focused skip link is {first['w']}×{first['h']}, less than {least}×{least}")
    page.keyboard.press("Enter")
    if page.evaluate("document.activeElement.id") != "main":
        problems.append("the skip link does not move focus to <main>")
    return problems


def audit(page, axe, large):
    """Everything the design rules ask of one page in one text mode, as readable strings."""
    mode = "large" if large else "standard"
    problems = [f"axe {v[0]}: {v[1]} {v[2]}" for v in axe(page)]
    problems += check_layout(page, large)
    problems += check_keyboard(page)
    problems += check_menu(page, large)
    problems += check_skip_link(page)
    return [f"[{mode}] {p}" for p in problems]


# --- The pages ----------------------------------------------------------------------------


def toggle_text_size_by_keyboard(page, name, url, *, expect_large):
    """Tab to the 大字模式 / 标准字号 button, press Enter: the same page comes back in the other mode."""
    found = tab_to(page, "el.closest('form') && el.closest('form').action.endsWith('/text-size/')")
    assert found, f"{name}: the large-text toggle is not reachable by Tab"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == url, f"{name}: the large-text toggle did not come back to the page ({page.url})"
    large = "large-text" in page.evaluate("document.body.className")
    assert large == expect_large, (
        f"{name}: the large-text toggle did not turn large text {'on' if expect_large else 'off'}"
    )


@pytest.mark.parametrize("name", [r[0] for r in ROUTES])
def test_public_page_is_accessible_on_a_phone(name, phone, live_server, axe):
    keys = next(keys for route_name, _route, keys in ROUTES if route_name == name)
    if keys and name not in RECORD:
        pytest.fail(f"public route {name} needs {keys}: add a record maker to RECORD in this module")
    demo = make_demo()
    kwargs = RECORD[name](demo) if name in RECORD else None
    url = live_server.url + reverse(name, kwargs=kwargs) + QUERIES.get(name, lambda d: "")(demo)
    response = phone.goto(url)
    assert response.status == 200, (
        f"{name}: {url} answered {response.status} (a POST-only endpoint belongs in POST_ONLY; "
        "a page that needs a query belongs in QUERIES)"
    )
    failures = audit(phone, axe, large=False)
    toggle_text_size_by_keyboard(phone, name, url, expect_large=True)
    failures += audit(phone, axe, large=True)
    # The language switch, by keyboard: choose English in the select, Tab to 切换, Enter.
    assert tab_to(phone, "el.id === 'language-select'"), f"{name}: the language select is not reachable by Tab"
    for _ in range(3):
        if phone.evaluate("document.activeElement.value") == "en":
            break
        phone.keyboard.press("ArrowDown")
    assert phone.evaluate("document.activeElement.value") == "en", "the language select does not answer the arrow keys"
    phone.keyboard.press("Tab")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert phone.evaluate("document.documentElement.lang") == "en", f"{name}: the language switch did not work"
    assert phone.url == url, f"{name}: the language switch did not come back to the page ({phone.url})"
    # And back to standard text, by keyboard again (now in English).
    toggle_text_size_by_keyboard(phone, name, url, expect_large=False)
    assert not failures, f"{name} ({url}):\n  " + "\n  ".join(failures)


# --- Pages that only a form leads to: errors and results ---------------------------------


def _signup_done(page, demo, n):
    page.get_by_label("您的姓名").fill("王芳")
    page.get_by_label("您的手机号").fill(f"139 1234 567{n}")
    page.get_by_role("button", name="报名").click()


def _propose_with_errors(page, demo, n):
    page.get_by_role("button", name="提交提议").click()


def _verify_unknown_code(page, demo, n):
    page.locator("#id_code").fill("NOSUCHCODE")
    page.locator("#id_code").press("Enter")


def _my_signup_found(page, demo, n):
    page.get_by_label("您的手机号").fill("139 1234 5678")
    page.get_by_label("报名码").fill(demo.signup_code.lower())
    page.get_by_role("button", name="查找我的报名").click()


def _my_signup_not_found(page, demo, n):
    page.get_by_label("您的手机号").fill("13912345670")
    page.get_by_label("报名码").fill("AAAA AAAA")
    page.get_by_role("button", name="查找我的报名").click()


def _track_bad_code(page, demo, n):
    page.locator("input[name=code]").fill("不是编号")
    page.locator("input[name=code]").press("Enter")


STATES = {
    "signup done": ("volunteer_activity", _signup_done, "#cancel-link"),
    "proposal with errors": ("micro_propose", _propose_with_errors, ".invalid-feedback, .alert-danger"),
    "certificate not found": ("volunteer_verify", _verify_unknown_code, "main"),
    "tracking code refused": ("micro_track", _track_bad_code, ".alert"),
    "my sign-up found": ("volunteer_mine", _my_signup_found, "#my-signup"),
    "my sign-up not found": ("volunteer_mine", _my_signup_not_found, ".alert-danger"),
}


@pytest.mark.parametrize("state", list(STATES))
def test_form_result_page_is_accessible_on_a_phone(state, phone, live_server, axe):
    name, submit, shown = STATES[state]
    demo = make_demo()
    kwargs = RECORD[name](demo) if name in RECORD else None
    url = live_server.url + reverse(name, kwargs=kwargs)
    failures = []
    for large in (False, True):
        if large:
            phone.context.add_cookies([{"name": settings.LARGE_TEXT_COOKIE, "value": "1", "url": live_server.url}])
        phone.goto(url)
        with phone.expect_navigation():
            submit(phone, demo, int(large))
        phone.wait_for_selector(shown)
        assert ("large-text" in phone.evaluate("document.body.className")) == large
        failures += audit(phone, axe, large)
    assert not failures, f"{state} ({url}):\n  " + "\n  ".join(failures)
