import copy
import os
from pathlib import Path
from types import SimpleNamespace

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous. Set for the test run only, never in settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from django.db import transaction
from django.test import override_settings

from tests.factory import make_people, make_tree
from tests.factory_world import make_world


@pytest.fixture(autouse=True)
def _clean_cache():
    # With REDIS_URL set (the PostgreSQL run in CI) the cache outlives a test: rate-limit
    # counters and cached pages must not leak from one test into the next.
    from django.core.cache import caches

    for alias in caches:  # the default cache and the public pages' (portal/core/pagecache.py)
        caches[alias].clear()
    yield


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_settings(request, settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.LANGUAGE_CODE = "zh-hans"
    if "shared_world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("shared_world").media  # where its files are
    else:
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world built once for a whole module (`pytestmark = pytest.mark.usefixtures("shared_world")`).

    The permission matrix and the bad-input sweep run about a thousand tests over the same world,
    and building it takes about a second. Here it is built inside an outer transaction that is
    rolled back when the module ends; each test still runs in its own savepoint (`db`), so what
    one test writes is gone before the next, as with a world per test, and each test gets its
    own copy of the Python objects (`_world_copy`).
    """
    media = tmp_path_factory.mktemp("media")
    outer = transaction.atomic()
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media):
        outer.__enter__()
        tree = make_tree()
        built = SimpleNamespace(tree=tree, people=make_people(tree), world=make_world(tree), media=media)
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def _world_copy(request, db):
    if "shared_world" not in request.fixturenames:
        return None
    return copy.deepcopy(request.getfixturevalue("shared_world"))


@pytest.fixture
def tree(_world_copy):
    return _world_copy.tree if _world_copy else make_tree()


@pytest.fixture
def people(tree, _world_copy):
    return _world_copy.people if _world_copy else make_people(tree)


@pytest.fixture
def world(tree, people, _world_copy):
    """For every scoped model, a marked record inside and one outside 华富街道 (tests/factory_world.py)."""
    return _world_copy.world if _world_copy else make_world(tree)


@pytest.fixture
def client_for(client):
    """client_for(user): the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- Browser tests (Playwright driving Debian's chromium) -------------------------------
# `playwright install` cannot download browsers here, so pytest-playwright's launch
# fixtures are pointed at /usr/bin/chromium. Without it the browser tests skip, unless
# REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FUTIAN = {"latitude": 22.5431, "longitude": 114.0579}


def pytest_collection_modifyitems(config, items):
    # A live_server test asks for a transactional database at run time, so pytest-django cannot
    # see it and leaves it among the ordinary tests; its flush at the end empties every table,
    # the rows of the data migrations too (the standard services), and the ordinary tests after
    # it lose them. Run them last, as pytest-django does with the transactional tests it sees;
    # so too every browser test (the staff sweep serves and flushes a world of its own).
    items.sort(key=lambda item: "live_server" in getattr(item, "fixturenames", ()) or "browser" in item.keywords)
    if Path(CHROMIUM).exists() or os.environ.get("REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "geolocation": FUTIAN,
        "permissions": ["geolocation"],
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


@pytest.fixture
def axe():
    """axe(page) runs axe-core's WCAG 2 A/AA rules on the page and returns the violations."""
    script = Path(__file__).parent / "assets" / "axe.min.js"

    source = script.read_text(encoding="utf-8")

    def run(page):
        # Evaluated through the DevTools protocol: a <script> tag with inline content (what
        # add_script_tag makes) is refused by the portal's Content-Security-Policy, as it should be.
        page.evaluate(f"() => {{ {source}\n }}")
        result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})")
        return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]

    return run
