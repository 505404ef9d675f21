"""No input breaks a page (issue 9, section 3): every route of the URL conf, every bad value.

Routes come from the URL conf (tests/matrix.py): a new page joins by itself. Public routes run
as an anonymous visitor, staff routes as each role (superuser, district 管理员, street 工作人员,
查看): each role loads the page and sweeps what it reads or shows that an earlier role's did
not (parsing does not depend on who sends a value). Every admin model: its change list (filter
and date-hierarchy keys from its own links), add and change forms. Keys are not listed by hand:
a test-only middleware swaps request.GET/POST for a QueryDict that records every key the view
reads; a plain GET learns them (and the fields of the page's GET forms), then each bad value
goes into each key. Every field of every POST form gets each bad value (all at once, so no form
can validate), posted where the form posts. Path values: the corpus in <str:> segments, a
20-digit number in <int:> ones. Asserted: no 5xx (all failures reported together), and row
counts of every model of grids, centers and projects unchanged.
"""

import logging
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.http import QueryDict
from django.urls import reverse, reverse_lazy

from tests.matrix import KEYWORDS, url_patterns

# The world once per module, each test in a savepoint (tests/conftest.py shared_world).
pytestmark = pytest.mark.usefixtures("shared_world")

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


def _public_micro(world):
    from tests.factory_micro import approved, make_line, make_project

    community = world.inside.community
    return approved(make_project(community), make_line(community))


# The inside record of the matrix's world for each URL keyword; public pages show public
# records only: an approved micro-project for `pk` (micro_detail).
RECORDS = {key: (lambda world, key=key: KEYWORDS[key](world, world.inside)) for key in KEYWORDS}
RECORDS["pk"] = _public_micro


def _tokens(world, keys):
    """Valid values for the <str:> keywords, so the first visit reaches the real page."""
    from projects.models.activities import Signup, hash_token
    from tests.factory_volunteer import activity_in

    values = {}
    if "code" in keys:
        values["code"] = _public_micro(world).tracking_code
    if "token" in keys and "uidb64" not in keys:
        Signup.objects.create(
            activity=activity_in(world.inside.community),
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
    # The audit trail records refused attempts too (a failed login is an event): not a write.
    return {
        model._meta.label: model._default_manager.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.label != "grids.AuditEntry"
    }


# Forms of base.html that every page carries: swept once, on their own routes (logging out
# would end the role's sweep).
ELSEWHERE = {reverse_lazy("logout"), reverse_lazy("set_language"), reverse_lazy("text_size")}

# --- The sweep -----------------------------------------------------------------------------

ROUTES = url_patterns()
PUBLIC = [(name, route, keys) for name, route, keys in ROUTES if not route.startswith("staff/")]
STAFF = [(name, route, keys) for name, route, keys in ROUTES if route.startswith("staff/")]
ADMIN_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


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


def _shown(value):
    return repr(value) if len(value) < 30 else "100,000 characters"


class Sweep:
    """Sends requests, collects every 5xx (and every exception the test client re-raises)."""

    def __init__(self, client):
        self.client = client
        self.failures = []
        self.who = ""
        # What another role already swept: parsing a value does not depend on who sends it, so
        # each role adds only the keys and forms its page shows that no role before it had.
        self.swept_keys = set()
        self.posted = set()

    def send(self, method, url, data=None, *, what):
        try:
            response = self.client.get(url) if method == "GET" else self.client.post(url, data)
        except Exception as exc:  # the test client re-raises a view's exception
            self.failures.append(f"{self.who} {method} {url[:100]} {what}: {type(exc).__name__}: {str(exc)[:160]}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{self.who} {method} {url[:100]} {what}: {response.status_code}")
        return response

    def get(self, path, query="", *, what):
        return self.send("GET", f"{path}?{query}" if query else path, what=what)

    def page(self, path):
        """The page with no parameters, and the query keys it reads or offers in GET forms."""
        READ_KEYS["GET"].clear()
        response = self.get(path, what="with no parameters")
        keys = set(READ_KEYS["GET"])
        for form in page_forms(response) if response is not None else []:
            if form["method"] == "get":
                keys |= set(form["fields"]) - {"csrfmiddlewaretoken", ""}
        return response, keys

    def query(self, path, keys):
        """Every bad value in every key, one key at a time (so a 400 on one cannot hide another)."""
        keys = {key for key in keys if (path, key) not in self.swept_keys}
        self.swept_keys |= {(path, key) for key in keys}
        for key in sorted(keys):
            for value in BAD_VALUES:
                self.get(path, _q(key, value), what=f"?{key}={value!r}")
            for raw in BAD_ENCODINGS:
                self.get(path, f"{quote(key)}={raw}", what=f"?{key}={raw} (raw)")
            self.get(path, f"{_q(key, '1')}&{_q(key, '²')}&{_q(key, '')}", what=f"?{key} repeated")
        if keys:
            # The long value once per page, in every key at once.
            self.get(path, "&".join(_q(key, LONG) for key in sorted(keys)), what="100,000 characters in every key")

    def forms(self, path, response):
        """Each bad value into every field of every POST form of the page, posted where it posts."""
        for form in page_forms(response) if response is not None else []:
            if form["method"] != "post":
                continue
            target = urlsplit(urljoin(path, form["action"])).path if form["action"] else path
            fields = {name: field for name, field in form["fields"].items() if name != "csrfmiddlewaretoken"}
            typed = [name for name, (kind, _value) in fields.items() if kind not in ("hidden", "submit")]
            hidden = [name for name, (kind, _value) in fields.items() if kind == "hidden"]
            if not typed and not hidden:
                continue  # a bare confirmation button: no field to put a bad value in
            if target in ELSEWHERE or (target, frozenset(fields)) in self.posted:
                continue
            self.posted.add((target, frozenset(fields)))
            # Any text is a password ("-Infinity" is a good one): a new password typed twice gets
            # two different texts, so the form cannot save it.
            confirm = [name for name, (kind, _value) in fields.items() if kind == "password"][1:]
            for value in [*BAD_VALUES, LONG]:
                data = {name: value + "≠" if name in confirm else value for name in fields}
                self.send("POST", target, data, what=f"every field of {sorted(fields)[:8]} = {_shown(value)}")
            if typed and hidden:
                # The form as rendered (its step, its row ids) with, in what a person types, values
                # no field of any kind accepts: this too must write nothing.
                # Check boxes stay unticked: any value ticks one, and a ticked DELETE is a choice.
                for value in [*CONTROL, LONG]:
                    data = {
                        name: (rendered if name not in typed else value)
                        for name, (kind, rendered) in fields.items()
                        if kind not in ("checkbox", "radio")
                    }
                    self.send("POST", target, data, what=f"{sorted(typed)[:8]} as typed = {_shown(value)}")

    def huge_ids(self, name, kwargs, int_keys, *, sees_all):
        """A 20-digit number in an <int:> segment: the URL resolver accepts it, the view says 404
        (exactly, for whoever may see every record: a visitor on public pages, the superuser)."""
        for key in int_keys:
            url = reverse(name, kwargs=kwargs | {key: HUGE_PK})
            response = self.get(url, what=f"<{key}>={HUGE_PK}")
            if response is not None and (response.status_code == 200 or sees_all and response.status_code != 404):
                self.failures.append(f"{self.who} GET {url}: {response.status_code}, expected 404")

    def path_values(self, name, kwargs, str_keys):
        for key in str_keys:
            for value in [*BAD_VALUES, LONG, "%ZZ"]:
                self.get(reverse(name, kwargs=kwargs | {key: value}), what=f"<{key}>={_shown(value)}")


def _q(key, value):
    return f"{quote(key)}={quote(value)}"


def _kwargs(name, route, keys, world):
    int_keys = _int_keys(route)
    missing = [key for key in int_keys if key not in RECORDS]
    assert not missing, f"tests/matrix.py has no record maker for URL keyword(s) {missing} of {name}"
    kwargs = {key: RECORDS[key](world).pk for key in int_keys}
    str_keys = [key for key in keys if key not in int_keys]
    return kwargs | _tokens(world, str_keys), int_keys, str_keys


def _verdict(sweep, before):
    after = row_counts()
    written = [
        f"rows written by bad input: {label} {count} -> {after[label]}"
        for label, count in before.items()
        if after[label] != count
    ]
    return "\n".join([*sweep.failures, *written])


@pytest.mark.parametrize(("name", "route", "keys"), PUBLIC, ids=[p[0] for p in PUBLIC])
def test_public_route_survives_bad_input(name, route, keys, world, client, recorder):
    kwargs, int_keys, str_keys = _kwargs(name, route, keys, world)
    path = reverse(name, kwargs=kwargs)
    sweep = Sweep(client)
    sweep.who = f"{name} (anonymous)"
    before = row_counts()
    response, query_keys = sweep.page(path)
    sweep.query(path, query_keys)
    sweep.path_values(name, kwargs, str_keys)
    sweep.huge_ids(name, kwargs, int_keys, sees_all=True)
    sweep.forms(path, response)
    report = _verdict(sweep, before)
    assert not report, report


@pytest.mark.parametrize(("name", "route", "keys"), STAFF, ids=[p[0] for p in STAFF])
def test_staff_route_survives_bad_input(name, route, keys, world, people, client, recorder):
    kwargs, int_keys, _str_keys = _kwargs(name, route, keys, world)
    path = reverse(name, kwargs=kwargs)
    sweep = Sweep(client)
    before = row_counts()
    for role in ROLES:
        client.force_login(getattr(people, role))
        sweep.who = f"{name} ({role})"
        response, query_keys = sweep.page(path)
        sweep.query(path, query_keys)
        sweep.huge_ids(name, kwargs, int_keys, sees_all=role == "superuser")
        sweep.forms(path, response)
    report = _verdict(sweep, before)
    assert not report, report


def _admin_record(model, world):
    if model in world.outside.records:
        return world.outside.records[model]  # outside 华富, inside the district: the admins reach it
    return model._default_manager.order_by("pk").first()


def _link_keys(response):
    """The query keys of the change list's own links (its filters, date hierarchy, sorting)."""
    if response is None or response.status_code != 200:
        return set()
    hrefs = re.findall(r'href="\?([^"#]*)"', response.content.decode(errors="replace"))
    return {part.split("=", 1)[0] for href in hrefs for part in unescape(href).split("&") if "=" in part}


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda model: model._meta.label)
def test_admin_survives_bad_input(model, world, people, client, recorder):
    opts = model._meta
    record = _admin_record(model, world)
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk]) if record else None
    model_admin = admin.site._registry[model]
    hierarchy = model_admin.date_hierarchy
    dates = {f"{hierarchy}__{part}" for part in ("year", "month", "day")} if hierarchy else set()
    sweep = Sweep(client)
    before = row_counts()
    for role in ROLES:
        client.force_login(getattr(people, role))
        sweep.who = f"{opts.label} admin ({role})"
        response, keys = sweep.page(changelist)
        sweep.query(changelist, keys | _link_keys(response) | dates | {"q", "o", "p", "all", "e"})
        sweep.forms(changelist, response)
        sweep.forms(add, sweep.get(add, what="add form"))
        if change:
            sweep.forms(change, sweep.get(change, what="change form"))
            huge = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[HUGE_PK])
            response = sweep.get(huge, what=f"object id {HUGE_PK}")
            if response is not None and response.status_code == 200:
                sweep.failures.append(f"{sweep.who} GET {huge}: 200 for a record that cannot exist")
    report = _verdict(sweep, before)
    assert not report, report


def test_the_sweep_learns_the_keys_a_view_reads(db, client, recorder):
    # Guards the sweep itself: were the recorder to see nothing, every route would pass untried.
    _response, keys = Sweep(client).page(reverse("center_list"))
    assert {"street", "community", "kind", "service", "open", "q", "page"} <= keys
    _response, keys = Sweep(client).page(reverse("open_stats"))
    assert keys == {"unit", "year"}
