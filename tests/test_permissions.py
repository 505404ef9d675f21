"""The permission matrix: exact answers for every staff route and every scoped admin model.

Routes come from the URL conf, admin models from the admin site, expectations from
tests/matrix.py, records from tests/factory_world.py: for every scoped model one marked record
inside 华富街道 and one outside it. The insider is 华富街道's 工作人员 (its 管理员 on pages that
need the 管理员 role); the read-only user is 华富街道's 查看.

- Every page the insider may see answers exactly 200 and shows no outside marker; a list shows
  the inside marker of what it lists (downloads are opened: .xlsx with openpyxl).
- Any URL of an outside record answers exactly 404, to GET and to POST, and the POST changes
  nothing: no row count of any table, no field of the record.
- Inside the scope without the role: exactly 403, nothing changed. The 查看 user gets exactly
  200 on every page that only shows.
- Every form is posted as its page offers it: the insider's POST lands exactly where it should
  (the Location is compared) and changes something, as does a superuser's POST of the outside
  record's form, so the outsider's refused POST was a real one.
"""

import io
import json
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.urls import reverse

from grids.scope import EDIT, MANAGE, VIEW
from tests.factory_world import MARKERLESS, NO_INSIDE, marker, scoped_models
from tests.html_forms import form_to
from tests.matrix import (
    ADMIN_NEEDS,
    KEYWORD_MODELS,
    KEYWORDS,
    OUTSIDE_WORDS,
    ROUTES,
    query,
    scoped_admin_models,
    staff_patterns,
)

# The world once per module, each test in a savepoint (tests/conftest.py shared_world).
pytestmark = pytest.mark.usefixtures("shared_world")

STAFF = staff_patterns()
KEYS = {name: keys for name, _route, keys in STAFF}
NAMES = list(KEYS)
RANK = {VIEW: 1, EDIT: 2, MANAGE: 3}


def _route(name):
    assert name in ROUTES, f"tests/matrix.py has no ROUTES entry for the staff route {name!r}"
    return ROUTES[name]


def _records(name, world, side):
    missing = [key for key in KEYS[name] if key not in KEYWORDS]
    assert not missing, f"tests/matrix.py has no KEYWORDS maker for {missing} of the staff route {name!r}"
    return {key: KEYWORDS[key](world, side) for key in KEYS[name]}


def _url(name, world, side):
    return reverse(name, kwargs={key: record.pk for key, record in _records(name, world, side).items()})


def _record(name, world, side):
    """The record a route is about (its first keyword), or None for a route without one."""
    records = _records(name, world, side)
    return records[KEYS[name][0]] if records else None


def _tester(world, people, need):
    """The insider holding exactly the role a route needs."""
    return world.huafu_admin if need == MANAGE else people.huafu


def _text(response):
    """What a person would read: a workbook's cells, a JSON document unescaped, a page, a CSV."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "json" in content_type:
        # JsonResponse escapes Chinese (\u5916...) unless told not to: compare the decoded text.
        return json.dumps(json.loads(content), ensure_ascii=False)
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row
        )
    return content.decode("utf-8-sig")


def _assert_nothing_outside(text, world, where):
    for word in [*world.markers(inside=False), *OUTSIDE_WORDS]:
        assert word not in text, f"{where} shows {word!r}, which lies outside 华富街道"


def _snapshot(records=()):
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        # The audit trail records attempts too (a refused import is an event): not a record written.
        if model._meta.label not in ("sessions.Session", "grids.AuditEntry")
    }
    values = [type(record)._default_manager.filter(pk=record.pk).values().first() for record in records]
    return counts, values


def _payload(client, name, world, side):
    """The route's form as its page offers it (read by `client`), with the matrix's change on top."""
    post = _route(name).form
    record = _record(name, world, side)
    if post.prepare:
        post.prepare(world, side, record)
    data = {}
    if post.from_page:
        page = _url(post.source or name, world, side)
        response = client.get(page)
        assert response.status_code == 200, f"{page} (the form of {name}) answered {response.status_code}"
        pick = post.pick(world, side, record) if post.pick else None
        data = dict(form_to(_text(response), page, urlsplit(_url(name, world, side)).path, pick).data)
    if post.change:
        data.update(post.change(world, side, record, data))
    return data


def _assert_done(response, name, world, side, where):
    post = _route(name).form
    record = _record(name, world, side)
    if post.done is None:
        assert response.status_code == 200, f"{where}: {response.status_code}"
    else:
        assert response.status_code == 302, f"{where}: {response.status_code} {_text(response)[:3000]}"
        assert response["Location"] == post.done(world, side, record), where


WITH_RECORD = [name for name in NAMES if KEYS[name]]
WITHOUT_RECORD = [name for name in NAMES if not KEYS[name]]
WITH_FORM = [name for name in NAMES if name in ROUTES and ROUTES[name].form]
POSTED_RECORDS = [name for name in WITH_FORM if KEYS[name]]
CREATE_PAGES = [name for name in WITH_FORM if ROUTES[name].form.outside]
READ_ONLY = [name for name in NAMES if name in ROUTES and ROUTES[name].get == VIEW]
NEED_A_ROLE = [
    name for name in NAMES if name in ROUTES and (ROUTES[name].get != VIEW or ROUTES[name].post in (EDIT, MANAGE))
]


def test_every_staff_route_has_an_entry_and_its_keywords_a_maker():
    assert {"staff_home", "unit_list", "unit_detail", "member_list", "micro_staff_list"} <= set(NAMES)
    missing = [name for name in NAMES if name not in ROUTES]
    assert not missing, f"staff routes without an entry in tests/matrix.py ROUTES: {missing}"
    stale = [name for name in ROUTES if name not in NAMES]
    assert not stale, f"tests/matrix.py ROUTES names routes that no longer exist: {stale}"
    keywords = {key for keys in KEYS.values() for key in keys}
    missing = sorted(keywords - set(KEYWORDS))
    assert not missing, f"URL keywords without a maker in tests/matrix.py KEYWORDS: {missing}"
    for name, route in ROUTES.items():
        if route.post is not None:
            assert route.form is not None, f"{name} takes a POST: give it a form (matrix.Post) to try"


def test_the_world_holds_every_scoped_model(world):
    # A new scoped model without a record in tests/factory_world.py fails here, by name.
    for model in scoped_models():
        label = model._meta.label
        assert model in world.outside.records, f"tests/factory_world.py makes no outside record of {label}"
        assert model in world.inside.records or model in NO_INSIDE, f"tests/factory_world.py makes no inside {label}"
        if model not in MARKERLESS:
            for inside in (True, False):
                record = world.side(inside).records.get(model)
                if record is not None:
                    assert marker(model, inside) in _record_text(record), f"{label}'s record carries no marker"
    for model in scoped_admin_models():
        assert model in scoped_models(), f"{model._meta.label} has a scoped admin but declares no scope_via"


def test_every_keyword_names_a_record_of_its_model(world):
    # bench/staff_all.py picks a real record per keyword by KEYWORD_MODELS: the two maps agree.
    assert set(KEYWORD_MODELS) == set(KEYWORDS)
    for key, make in KEYWORDS.items():
        for inside in (True, False):
            record = make(world, world.side(inside))
            assert isinstance(record, KEYWORD_MODELS[key]), f"{key} names a {type(record).__name__}"


def _record_text(record):
    """The record's text and that of what it points at (where a list shows a related name)."""
    texts = []
    for item in [record, *(getattr(record, f.name) for f in record._meta.concrete_fields if f.is_relation)]:
        if item is not None:
            texts += [str(getattr(item, f.attname)) for f in item._meta.concrete_fields]
    return " ".join(texts)


@pytest.mark.parametrize("name", NAMES)
def test_the_insider_sees_their_own_and_nothing_outside(name, world, people, client_for):
    route = _route(name)
    client = client_for(_tester(world, people, route.get))
    url = _url(name, world, world.inside)
    pages = [({}, route.shows), *route.more]
    for params, shows in pages:
        response = client.get(url, query(params))
        where = f"{name} {url} {params or ''}"
        if route.get_to:
            assert response.status_code == 302, where
            assert response["Location"] == route.get_to(world, world.inside, _record(name, world, world.inside))
            continue
        assert response.status_code == 200, f"{where}: {response.status_code}"
        text = _text(response)
        _assert_nothing_outside(text, world, where)
        for model in shows:
            assert marker(model, True) in text, f"{where} should list {marker(model, True)!r}: it proves nothing"


@pytest.mark.parametrize("name", WITH_RECORD)
def test_an_outside_record_is_404_and_a_post_changes_nothing(name, world, people, client_for):
    route = _route(name)
    outside = world.outside
    url = _url(name, world, outside)
    client = client_for(_tester(world, people, route.get))
    assert client.get(url).status_code == 404, url
    records = list(_records(name, world, outside).values())
    if route.post is None:
        before = _snapshot(records)
        assert client.post(url, {}).status_code == 405, url
        assert _snapshot(records) == before
        return
    data = _payload(client_for(people.superuser), name, world, outside)
    client = client_for(_tester(world, people, route.post))
    before = _snapshot(records)
    assert client.post(url, data).status_code == 404, url
    assert _snapshot(records) == before, f"{url}: an outsider's POST changed something"


@pytest.mark.parametrize("name", WITH_FORM)
def test_the_insider_post_does_its_work_and_lands_where_it_should(name, world, people, client_for):
    route = _route(name)
    client = client_for(_tester(world, people, route.post))
    url = _url(name, world, world.inside)
    data = _payload(client, name, world, world.inside)
    touched = [world.inside.records[model] for model in route.form.touches]
    records = list(_records(name, world, world.inside).values()) + touched
    before = _snapshot(records)
    response = client.post(url, data)
    _assert_done(response, name, world, world.inside, f"{name} {url}")
    assert _snapshot(records) != before, f"{url}: the insider's POST changed nothing: the payload proves nothing"


@pytest.mark.parametrize("name", POSTED_RECORDS)
def test_the_outside_payload_is_a_real_one(name, world, people, client_for):
    """Posted by a superuser, the outside record's form does its work: so the outsider's 404
    above refused a POST that would have changed the record."""
    url = _url(name, world, world.outside)
    client = client_for(people.superuser)
    data = _payload(client, name, world, world.outside)
    before = _snapshot(list(_records(name, world, world.outside).values()))
    response = client.post(url, data)
    _assert_done(response, name, world, world.outside, f"superuser {name} {url}")
    assert _snapshot(list(_records(name, world, world.outside).values())) != before


@pytest.mark.parametrize("name", CREATE_PAGES)
def test_a_create_form_pointing_outside_is_refused(name, world, people, client_for):
    route = _route(name)
    client = client_for(_tester(world, people, route.post))
    url = _url(name, world, world.inside)
    data = _payload(client, name, world, world.inside)
    data.update(route.form.outside(world))
    before = _snapshot()
    response = client.post(url, data)
    assert response.status_code == route.form.refused, f"{url}: {response.status_code}"
    assert _snapshot() == before, f"{url}: a record was written outside the scope"


@pytest.mark.parametrize("name", NEED_A_ROLE)
def test_inside_without_the_role_is_403(name, world, people, client_for):
    route = _route(name)
    url = _url(name, world, world.inside)
    records = list(_records(name, world, world.inside).values())
    data = _payload(client_for(_tester(world, people, route.post)), name, world, world.inside) if route.post else {}
    # The 查看 user lacks every role but VIEW; the 工作人员 lacks MANAGE.
    lacking = [(people.viewer, VIEW)] + ([(people.huafu, EDIT)] if MANAGE in (route.get, route.post) else [])
    for user, holds in lacking:
        client = client_for(user)
        if RANK[route.get] > RANK[holds]:
            assert client.get(url).status_code == 403, f"{user} GET {url}"
        if route.post and RANK[route.post] > RANK[holds]:
            before = _snapshot(records)
            assert client.post(url, data).status_code == 403, f"{user} POST {url}"
            assert _snapshot(records) == before, f"{user} POST {url} changed something"


@pytest.mark.parametrize("name", READ_ONLY)
def test_the_read_only_user_sees_every_page_that_only_shows(name, world, people, client_for):
    route = _route(name)
    client = client_for(people.viewer)
    url = _url(name, world, world.inside)
    for params, _shows in [({}, route.shows), *route.more]:
        response = client.get(url, query(params))
        assert response.status_code == 200, f"{url} {params}: {response.status_code}"
        _assert_nothing_outside(_text(response), world, f"{name} as 查看")


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_visitors_are_sent_to_the_login_page(name, world, client):
    url = _url(name, world, world.inside)
    response = client.get(url)
    assert response.status_code == 302, url
    assert response["Location"] == f"{reverse('login')}?next={quote(url, safe='/')}"


@pytest.mark.parametrize("name", NAMES)
def test_a_user_without_assignment_sees_nothing(name, world, people, client_for):
    route = _route(name)
    client = client_for(people.nobody)
    url = _url(name, world, world.inside)
    if KEYS[name]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == (405 if route.post is None else 404), url
        return
    response = client.get(url)
    assert response.status_code == route.unassigned, f"{url}: {response.status_code}"
    text = _text(response)
    for word in world.markers(inside=True) + world.markers(inside=False):
        assert word not in text, f"{url} shows {word!r} to a user without any assignment"


# --- The admin -------------------------------------------------------------------------

ADMIN_MODELS = scoped_admin_models()
# Lists that show nothing of the record's marker (the pks are checked all the same).
ADMIN_LIST_WITHOUT_MARKER = {
    "projects.StarRating": "lists the project's title",
    "projects.ProjectCap": "no text",
    "grids.MeetingRule": "no text",
    "grids.TransferRule": "no text",
    "grids.DemandHoursRule": "no text",
}


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_admin_outside_record_is_404(model, world, people, client_for):
    record = world.outside.records[model]
    client = client_for(_tester(world, people, ADMIN_NEEDS.get(model, VIEW)))
    before = _snapshot([record])
    for view in ("change", "delete", "history"):
        assert client.get(_admin_url(model, view, record.pk)).status_code == 404, view
    assert client.post(_admin_url(model, "delete", record.pk), {"post": "yes"}).status_code == 404
    assert client.post(_admin_url(model, "change", record.pk), {}).status_code == 404
    assert _snapshot([record]) == before


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_admin_list_shows_the_inside_record_and_never_the_outside_one(model, world, people, client_for):
    client = client_for(_tester(world, people, ADMIN_NEEDS.get(model, VIEW)))
    response = client.get(_admin_url(model, "changelist"))
    assert response.status_code == 200
    listed = {obj.pk for obj in response.context["cl"].queryset}
    assert world.outside.records[model].pk not in listed
    text = _text(response)
    _assert_nothing_outside(text, world, f"the admin list of {model._meta.label}")
    if model in NO_INSIDE:
        return
    assert world.inside.records[model].pk in listed
    if model._meta.label not in ADMIN_LIST_WITHOUT_MARKER:
        assert marker(model, True) in text


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_admin_changelist_of_unassigned_user_is_closed(model, people, client_for):
    response = client_for(people.nobody).get(_admin_url(model, "changelist"))
    assert response.status_code == 403


def test_only_superusers_manage_user_accounts(people, client_for):
    url = reverse("admin:auth_user_changelist")
    assert client_for(people.district_admin).get(url).status_code == 403
    assert client_for(people.superuser).get(url).status_code == 200
