"""No input breaks a page (issue 9, section 3): every route of the URL conf, every bad value.

Routes come from the URL conf (tests/matrix.py), so a new page joins the sweep by itself.
Public routes are tried as an anonymous visitor, staff routes as an insider of each role. The
parameters are not listed by hand: a test-only middleware replaces request.GET and
request.POST with a QueryDict that records every key the view reads, a first plain GET learns
them (with the field names of the page's GET forms), then every bad value of the corpus goes
into every key. Forms: every field of every POST form the page renders gets each bad value (all
fields at once, so no form can validate), posted where the form posts. Path values: the corpus
in <str:> segments, a 20-digit number in <int:> ones.

Assertions: no 5xx anywhere (all failures collected and reported together), and the row counts
of every model of grids, centers and projects unchanged by the bad POSTs.
"""

import logging
import re
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.apps import apps
from django.http import QueryDict
from django.urls import reverse

from tests.matrix import INSIDE_RECORD, url_patterns

UNICODE_DIGITS = ["²", "١٢", "１２"]
CONTROL = ["\x00", "a\x00b", "\x01\x07\x1b", "\x7f"]
NUMBERS = ["-1", "0", "99999999999999999999", "-99999999999999999999", "NaN", "Infinity", "-Infinity", "1e309"]
DATES = ["2026-02-30", "0000-00-00"]
WRONG_TYPES = ["[]", "{}", "true"]
BAD_VALUES = UNICODE_DIGITS + CONTROL + NUMBERS + DATES + WRONG_TYPES
LONG = "9" * 100_000
# Raw query strings: QueryDict decodes them itself (invalid escapes and invalid UTF-8).
BAD_ENCODINGS = ["%ZZ", "%C0%AF", "%", "%E4%B8"]
HUGE_PK = 99999999999999999999
APPS = ("grids", "centers", "projects")
ROLES = ["superuser", "district_admin", "huafu", "viewer"]


# --- Recording which keys a view reads -----------------------------------------------------

READ_KEYS = {"GET": set(), "POST": set()}


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes every key looked up (get, [], getlist, in)."""

    method = "GET"

    def _note(self, key):
        READ_KEYS[self.method].add(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


def _recording(data, method):
    copy = RecordingQueryDict(mutable=True)
    copy.method = method
    for key, values in data.lists():
        copy.setlist(key, values)
    copy._mutable = False
    return copy


class RecordReadsMiddleware:
    """Test-only, last in MIDDLEWARE: wraps GET and POST just before the view runs, so the
    reads of the CSRF and bad-parameter middlewares are not counted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.GET = _recording(request.GET, "GET")
        if request.method == "POST":
            request.POST = _recording(request.POST, "POST")


# --- Forms on a page -----------------------------------------------------------------------


class FormParser(HTMLParser):
    """Every <form>: its method, action and the names of its fields (hidden ones apart)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "", "fields": {}}
            )
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            kind = (attrs.get("type") or "").lower()
            self.forms[-1]["fields"][attrs["name"]] = (kind, attrs.get("value") or "")


def page_forms(response):
    if "html" not in response.get("Content-Type", ""):
        return []
    parser = FormParser()
    parser.feed(response.content.decode(errors="replace"))
    return parser.forms


# --- Records for URL keywords --------------------------------------------------------------


def _public_micro(tree):
    from tests.factory_micro import approved, make_line, make_project

    return approved(make_project(tree.community1), make_line(tree.community1))


# Public pages show public records only: an approved micro-project for `pk` (micro_detail).
RECORDS = INSIDE_RECORD | {"pk": _public_micro}


def _tokens(tree, keys):
    """Valid values for the <str:> keywords, so the first visit reaches the real page."""
    from projects.models.activities import Signup, hash_token
    from tests.factory_volunteer import activity_in

    values = {}
    if "code" in keys:
        values["code"] = _public_micro(tree).tracking_code
    if "token" in keys and "uidb64" not in keys:
        Signup.objects.create(
            activity=activity_in(tree.community1),
            name="张三",
            mobile="13900000001",
            token_hash=hash_token("sweep-token"),
        )
        values["token"] = "sweep-token"
    if "uidb64" in keys:
        values |= {"uidb64": "MQ", "token": "set-password"}
    return values


def _int_keys(route):
    return set(re.findall(r"<int:(\w+)>", route))


# --- Counting rows -------------------------------------------------------------------------


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
    }


# --- The sweep -----------------------------------------------------------------------------

ROUTES = url_patterns()
PUBLIC = [(name, route, keys) for name, route, keys in ROUTES if not route.startswith("staff/")]
STAFF = [(name, route, keys) for name, route, keys in ROUTES if route.startswith("staff/")]


@pytest.fixture
def recorder(settings):
    # Hundreds of expected 400s (and any 500, which the assertion reports) would flood the log.
    logger = logging.getLogger("django.request")
    logger.disabled = True
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_bad_input.RecordReadsMiddleware"]
    for keys in READ_KEYS.values():
        keys.clear()
    yield READ_KEYS
    logger.disabled = False


class Sweep:
    def __init__(self, client, name):
        self.client = client
        self.name = name
        self.failures = []

    def send(self, method, url, data=None, *, what):
        try:
            if method == "GET":
                response = self.client.get(url)
            else:
                response = self.client.post(url, data)
        except Exception as exc:  # the test client re-raises a view's exception
            self.failures.append(f"{self.name}: {method} {url[:120]} {what}: {type(exc).__name__}: {str(exc)[:200]}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{self.name}: {method} {url[:120]} {what}: {response.status_code}")
        return response

    def get(self, path, query, *, what):
        return self.send("GET", f"{path}?{query}" if query else path, what=what)


def _q(key, value):
    return f"{quote(key)}={quote(value)}"


def sweep_query(sweep, path, keys):
    """Every bad value in every key, one key at a time (so a 400 on one cannot hide another)."""
    for key in sorted(keys):
        for value in BAD_VALUES:
            sweep.get(path, _q(key, value), what=f"?{key}={value!r}")
        for raw in BAD_ENCODINGS:
            sweep.get(path, f"{quote(key)}={raw}", what=f"?{key}={raw} (raw)")
        sweep.get(path, f"{_q(key, '1')}&{_q(key, '²')}&{_q(key, '')}", what=f"?{key} repeated")
    if keys:
        # The long value once per route, in every key at once.
        sweep.get(path, "&".join(_q(key, LONG) for key in sorted(keys)), what="100,000 characters in every key")


def _post_values(fields, value, keep_hidden):
    data = {}
    for name, (kind, rendered) in fields.items():
        if name == "csrfmiddlewaretoken":
            continue
        data[name] = rendered if keep_hidden and kind in ("hidden", "submit") else value
    return data


def sweep_forms(sweep, path, response):
    """Each bad value into every field of every POST form of the page, posted where it posts."""
    for form in page_forms(response):
        if form["method"] != "post":
            continue
        target = urlsplit(urljoin(path, form["action"])).path if form["action"] else path
        if target.startswith("/i18n/") or target == reverse("logout"):
            continue
        fields = form["fields"]
        hidden = any(
            kind in ("hidden", "submit") for name, (kind, _v) in fields.items() if name != "csrfmiddlewaretoken"
        )
        for value in [*BAD_VALUES, LONG]:
            passes = (False, True) if hidden else (False,)
            for keep_hidden in passes:
                data = _post_values(fields, value, keep_hidden)
                shown = value if len(value) < 30 else "100,000 characters"
                sweep.send("POST", target, data, what=f"form fields {sorted(data)} = {shown!r}")


def sweep_route(client, tree, name, route, keys, recorder):
    sweep = Sweep(client, name)
    int_keys = _int_keys(route)
    str_keys = [key for key in keys if key not in int_keys]
    kwargs = {key: RECORDS[key](tree).pk for key in int_keys if key in RECORDS}
    missing = [key for key in int_keys if key not in RECORDS]
    assert not missing, f"tests/matrix.py has no record maker for URL keyword(s) {missing} of {name}"
    kwargs |= _tokens(tree, str_keys)
    path = reverse(name, kwargs=kwargs)
    before = row_counts()

    first = sweep.get(path, "", what="no parameters")
    forms = page_forms(first) if first is not None else []
    query_keys = set(recorder["GET"])
    for form in forms:
        if form["method"] == "get":
            query_keys |= set(form["fields"]) - {"csrfmiddlewaretoken", ""}
    sweep_query(sweep, path, query_keys)

    for key in str_keys:
        for value in [*BAD_VALUES, LONG, "%ZZ"]:
            if "/" in value:
                continue
            bad = reverse(name, kwargs=kwargs | {key: value})
            shown = value if len(value) < 30 else "100,000 characters"
            sweep.get(bad, "", what=f"<{key}>={shown!r}")
    for key in int_keys:
        huge = reverse(name, kwargs=kwargs | {key: HUGE_PK})
        response = sweep.get(huge, "", what=f"<{key}>={HUGE_PK}")
        if response is not None and response.status_code not in (302, 403, 404, 405):
            sweep.failures.append(f"{name}: GET {huge}: {response.status_code}, expected 404")

    if first is not None:
        sweep_forms(sweep, path, first)
    after = row_counts()
    changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
    return sweep.failures, changed


def _report(failures, changed):
    lines = [*failures]
    lines += [f"rows written by bad input: {label} {b} -> {a}" for label, (b, a) in changed.items()]
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "route", "keys"), PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public_route_survives_bad_input(name, route, keys, tree, client, recorder):
    failures, changed = sweep_route(client, tree, name, route, keys, recorder)
    assert not failures and not changed, _report(failures, changed)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "route", "keys"), STAFF, ids=[p[0] for p in STAFF])
def test_staff_route_survives_bad_input(name, route, keys, role, tree, people, client, recorder):
    client.force_login(getattr(people, role))
    failures, changed = sweep_route(client, tree, name, route, keys, recorder)
    assert not failures and not changed, _report(failures, changed)
