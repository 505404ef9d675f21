"""An outsider gets 404 (or 403) on every staff URL and admin page of a record outside their scope."""

import pytest
from django.urls import reverse

from tests.matrix import (
    ADMIN_OUTSIDE,
    INSIDE_RECORD,
    MANAGE_ONLY_URLS,
    OUTSIDE_RECORD,
    scoped_admin_models,
    staff_patterns,
)

STAFF = staff_patterns()
WITH_RECORD = [(name, keys) for name, _route, keys in STAFF if keys]
WITHOUT_RECORD = [name for name, _route, keys in STAFF if not keys]


def _url(name, keys, makers, tree):
    missing = [key for key in keys if key not in makers]
    assert not missing, f"tests/matrix.py has no record maker for URL keyword(s) {missing} of {name}"
    return reverse(name, kwargs={key: makers[key](tree).pk for key in keys})


def test_the_matrix_found_the_staff_pages():
    names = {name for name, _route, _keys in STAFF}
    assert {"staff_home", "unit_list", "unit_detail", "unit_edit", "unit_create"} <= names


@pytest.mark.parametrize(("name", "keys"), WITH_RECORD)
def test_street_staffer_gets_404_outside_their_street(name, keys, tree, people, client_for):
    url = _url(name, keys, OUTSIDE_RECORD, tree)
    client = client_for(people.huafu)
    assert client.get(url).status_code in (403, 404), url
    assert client.post(url, {}).status_code in (403, 404, 405), url


@pytest.mark.parametrize(("name", "keys"), WITH_RECORD)
def test_unassigned_user_gets_404_everywhere(name, keys, tree, people, client_for):
    url = _url(name, keys, INSIDE_RECORD, tree)
    client = client_for(people.nobody)
    assert client.get(url).status_code in (403, 404), url
    assert client.post(url, {}).status_code in (403, 404, 405), url


@pytest.mark.parametrize(("name", "keys"), WITH_RECORD)
def test_read_only_role_can_look_but_not_change(name, keys, tree, people, client_for):
    url = _url(name, keys, INSIDE_RECORD, tree)
    client = client_for(people.viewer)
    assert client.get(url).status_code in (200, 403), url
    assert client.post(url, {}).status_code in (403, 405), url


@pytest.mark.parametrize(("name", "keys"), WITH_RECORD)
def test_insider_reaches_the_page(name, keys, tree, people, client_for):
    url = _url(name, keys, INSIDE_RECORD, tree)
    insider = people.district_admin if name in MANAGE_ONLY_URLS else people.huafu
    assert client_for(insider).get(url).status_code in (200, 302), url


@pytest.mark.parametrize("name", WITHOUT_RECORD)
def test_staff_pages_need_login(name, client):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", WITHOUT_RECORD)
def test_list_pages_never_show_the_other_street(name, tree, people, client_for):
    response = client_for(people.huafu).get(reverse(name))
    assert response.status_code in (200, 403)
    assert "狮岭社区" not in response.content.decode()


@pytest.mark.parametrize("model", scoped_admin_models(), ids=lambda m: m._meta.label)
def test_admin_outsider_gets_404(model, tree, people, client_for):
    assert model in ADMIN_OUTSIDE, f"tests/matrix.py has no ADMIN_OUTSIDE maker for {model._meta.label}"
    record = ADMIN_OUTSIDE[model](tree)
    opts = model._meta
    client = client_for(people.huafu)
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[record.pk])
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk])
    assert client.get(change).status_code == 404
    assert client.get(delete).status_code == 404
    assert client.get(history).status_code == 404
    assert client.post(delete, {"post": "yes"}).status_code == 404
    assert model.objects.filter(pk=record.pk).exists()
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    if changelist.status_code == 200:
        assert record.pk not in {obj.pk for obj in changelist.context["cl"].queryset}


@pytest.mark.parametrize("model", scoped_admin_models(), ids=lambda m: m._meta.label)
def test_admin_changelist_of_unassigned_user_is_closed(model, people, client_for):
    opts = model._meta
    response = client_for(people.nobody).get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 403


def test_only_superusers_manage_user_accounts(people, client_for):
    url = reverse("admin:auth_user_changelist")
    assert client_for(people.district_admin).get(url).status_code == 403
    assert client_for(people.superuser).get(url).status_code == 200
