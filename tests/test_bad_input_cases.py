"""The crashes of issue 9 (section 3), one by one: each answered 500 before, each now a 400 with
a clear message (JSON for JSON endpoints), a form error, or the admin's own handling.

tests/test_bad_input.py sweeps every route with every bad value; these pin the exact answers.
The messages are compared with their translation (zh-hans), so the tests hold whatever the
state of the catalogue; where a catalogue entry exists the Chinese text is checked too.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from centers.models import Center, Service
from portal.core import params
from tests.factory_centers import make_center
from tests.factory_volunteer import activity_in


def _zh(message, **values):
    with translation.override("zh-hans"):
        return translation.gettext(message) % values if values else translation.gettext(message)


def _chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


NOT_ALLOWED = "The request contains characters that are not allowed."


# --- /open/stats.json: 400 with a JSON body in Chinese ---------------------------------------


def test_stats_with_a_unicode_digit_unit_is_a_json_400(client, tree):
    response = client.get(reverse("open_stats"), {"unit": "²"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error == _zh("No unit with this id or division code.")
    assert _chinese(error)


@pytest.mark.parametrize("year", ["²", "１２", "99999999999999999999", "1e309", "NaN"])
def test_stats_with_a_bad_year_is_a_json_400(client, db, year):
    response = client.get(reverse("open_stats"), {"year": year})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error == _zh("The year must be a four-digit year between 2000 and 2100, such as 2018.")
    assert "年份" in error


def test_stats_with_a_nul_is_a_json_400(client, db):
    response = client.get(reverse("open_stats") + "?unit=%00")
    assert response.status_code == 400
    assert response.json() == {"error": _zh(NOT_ALLOWED)}


# --- Public pages: the page with the message ------------------------------------------------


def _bad_request_page(response, message):
    assert response.status_code == 400
    assert response.templates[0].name == "bad_request.html"
    assert response.context["message"] == message
    assert message in response.content.decode()


def test_micro_projects_with_a_unicode_digit_year(client, db):
    response = client.get(reverse("micro_list"), {"year": "²"})
    _bad_request_page(response, _zh("The year must be a four-digit year between 2000 and 2100, such as 2018."))


def test_centers_with_a_unicode_digit_page(client, db):
    response = client.get(reverse("center_list"), {"page": "²"})
    _bad_request_page(response, _zh("%(name)s must be a whole number.", name=_zh("page")))


def test_centers_with_a_unicode_digit_service(client, db):
    response = client.get(reverse("center_list"), {"service": "²"})
    _bad_request_page(response, _zh("%(name)s must be a whole number.", name=_zh("service")))


def test_centers_with_a_huge_service_id(client, db):
    response = client.get(reverse("center_list"), {"service": "99999999999999999999"})
    _bad_request_page(response, _zh("%(name)s must be a whole number.", name=_zh("service")))


def test_good_filters_still_work(client, tree):
    center = make_center(tree.community1)
    service = Service.objects.get_or_create(name="党员教育")[0]
    center.services.add(service)
    response = client.get(reverse("center_list"), {"service": str(service.pk), "page": "1", "q": "梅岗"})
    assert response.status_code == 200
    assert [c.pk for c in response.context["centers"]] == [center.pk]


@pytest.mark.parametrize(
    "url",
    [
        "/centers/?q=%00",
        "/micro-projects/?q=%00",
        "/micro-projects/export.csv?q=%00",
        "/micro-projects/export.xlsx?q=a%00b",
        "/micro-projects/track/%00/",
        "/micro-projects/track/?code=%00",
        "/centers/nearby.json?lat=22.5%00&lng=114",
        "/centers/?q=%1B",
    ],
)
def test_a_nul_or_control_character_in_a_public_box_is_a_400(client, db, url):
    response = client.get(url)
    assert response.status_code == 400
    if response["Content-Type"] == "application/json":
        assert response.json() == {"error": _zh(NOT_ALLOWED)}
    else:
        _bad_request_page(response, _zh(NOT_ALLOWED))


def test_a_malformed_tracking_code_in_the_path_is_a_400(client, db):
    # Full-width letters are what a phone typed (read as MS12, then simply not found); a
    # character no code has is malformed.
    assert client.get(reverse("micro_track_code", kwargs={"code": "ＭＳ１２"})).status_code == 404
    response = client.get(reverse("micro_track_code", kwargs={"code": "MS#12"}))
    assert response.status_code == 400
    assert response.context["message"] == _zh("“%(label)s” is not a valid code.", label=_zh("tracking code"))


# --- Staff pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["unit_list", "member_list", "account_list", "volunteer_staff_volunteers", "micro_staff_list", "staff_center_list"],
)
def test_a_nul_in_a_staff_search_is_a_400(name, people, client_for):
    response = client_for(people.district_admin).get(reverse(name) + "?q=%00")
    _bad_request_page(response, _zh(NOT_ALLOWED))


def test_a_nul_in_a_posted_form_writes_nothing(tree, people, client_for):
    before = Center.objects.count()
    data = {"name": "新中心\x00", "kind": "community", "owner": tree.community1.pk, "status": "operating"}
    response = client_for(people.huafu).post(reverse("staff_center_create"), data)
    _bad_request_page(response, _zh(NOT_ALLOWED))
    assert Center.objects.count() == before


def test_a_huge_id_among_many_to_many_choices_is_a_form_error(tree, people, client_for):
    # SQLite cannot bind 99999999999999999999 in the `pk__in` Django runs for these: a 500.
    data = {"name": "新中心", "kind": "community", "owner": tree.community1.pk, "services": "99999999999999999999"}
    response = client_for(people.huafu).post(reverse("staff_center_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["services"] == [
        _zh("“%(pk)s” is not a valid value.", pk="99999999999999999999")
    ]
    assert not Center.objects.filter(name="新中心").exists()


def test_a_unicode_digit_unit_on_the_reporting_page(people, client_for):
    response = client_for(people.huafu).get(reverse("member_reporting"), {"unit": "²"})
    _bad_request_page(response, _zh("%(name)s must be a whole number.", name=_zh("unit")))


# --- The admin: its filters --------------------------------------------------------------------


def _changelist(model):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("starts_at__year=99999999999999999999", ("%(name)s must be a whole number.", "starts_at__year")),
        ("starts_at__year=2026&starts_at__month=13", ("%(name)s must lie between %(low)s and %(high)s.", None)),
        ("starts_at__year=2026&starts_at__month=2&starts_at__day=²", ("%(name)s must be a whole number.", None)),
        ("project__unit__id__exact=²", ("%(name)s must be a whole number.", "project__unit__id__exact")),
    ],
)
def test_impossible_admin_filters_are_a_400(tree, people, client_for, query, message):
    from projects.models import Activity

    activity_in(tree.community1)
    response = client_for(people.superuser).get(_changelist(Activity) + "?" + query)
    assert response.status_code == 400
    assert response.templates[0].name == "bad_request.html"
    msgid, name = message
    if name:
        assert response.context["message"] == _zh(msgid, name=name)


def test_the_year_from_the_issue_is_a_400_for_a_scoped_admin(tree, people, client_for):
    from projects.models import Activity

    url = _changelist(Activity) + "?starts_at__year=99999999999999999999"
    assert client_for(people.district_admin).get(url).status_code == 400


def test_odd_ordering_and_unknown_choices_get_the_admins_own_handling(tree, people, client_for):
    from projects.models import Activity

    activity_in(tree.community1)
    client = client_for(people.superuser)
    assert client.get(_changelist(Activity) + "?o=abc").status_code == 200
    assert client.get(_changelist(Center) + "?kind__exact=nonsense").status_code == 200
    # A lookup the admin cannot use sends it back to the plain list with ?e=1.
    response = client.get(_changelist(Activity) + "?no_such_field=1")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_a_good_date_hierarchy_still_filters(tree, people, client_for):
    from projects.models import Activity

    activity = activity_in(tree.community1)
    start = activity.starts_at
    query = f"?starts_at__year={start.year}&starts_at__month={start.month}"
    response = client_for(people.superuser).get(_changelist(Activity) + query)
    assert response.status_code == 200
    assert activity.pk in {a.pk for a in response.context["cl"].queryset}


# --- The parser itself ----------------------------------------------------------------------


def test_clamped_integers_take_the_maximum_but_refuse_what_is_not_a_number():
    from django.http import QueryDict

    assert params.integer(QueryDict("n=5000000"), "n", maximum=50, clamp=True) == 50
    with pytest.raises(params.BadParameter):
        params.integer(QueryDict("n=99999999999999999999"), "n", maximum=50, clamp=True)
    with pytest.raises(params.BadParameter):
        params.integer(QueryDict("n=0"), "n", maximum=50, clamp=True)


def test_flags_and_points():
    from django.http import QueryDict

    assert params.flag(QueryDict("open=1"), "open") is True
    assert params.flag(QueryDict(""), "open") is False
    with pytest.raises(params.BadParameter):
        params.flag(QueryDict("open=yes"), "open")
    assert params.point(QueryDict("lat=22.543123456789&lng=114.05")) == (22.543123456789, 114.05)
    for query in ["lat=22.5", "lng=114", "lat=1e3&lng=1", "lat=91&lng=1", "lat=²&lng=1"]:
        with pytest.raises(params.BadParameter):
            params.point(QueryDict(query))


@pytest.mark.parametrize(
    ("name", "prefix", "limit"), [("staff_center_rooms", "rooms", 100), ("staff_center_edit", "hours", 50)]
)
def test_a_forged_form_count_is_capped(tree, people, client_for, name, prefix, limit):
    # Django believes TOTAL_FORMS up to 2,000 rows by default: one POST, thousands of forms built
    # and rendered (seconds of CPU). The center's formsets stop at what a center can have.
    center = make_center(tree.community1)
    data = {f"{prefix}-TOTAL_FORMS": "99999999", f"{prefix}-INITIAL_FORMS": "0"}
    response = client_for(people.huafu).post(reverse(name, kwargs={"center_pk": center.pk}), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == limit
    assert not formset.is_valid()


def test_a_query_key_named_like_a_dict_method_leaves_the_member_list_working(people, client_for):
    # The template iterated request.GET.items: ?items=x made that the string "x" (a 500); and
    # request.GET.urlencode was ?urlencode=x's value in the export link.
    query = {"items": "x", "urlencode": "x", "q": "张"}
    response = client_for(people.district_admin).get(reverse("member_list"), query)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<input type="hidden" name="q" value="张"' in body
    export = reverse("member_export", args=[people.district_admin.assignments.get().unit_id])
    assert f'href="{export}?items=x&amp;urlencode=x&amp;q=%E5%BC%A0"' in body


@pytest.mark.parametrize("value", ["²", "99999999999999999999"])
def test_a_bad_id_in_an_admin_autocomplete_is_a_form_error(tree, people, client_for, value):
    # Django redisplays the refused choice by looking it up: ValueError for "²", overflow for 20 digits.
    from grids.models import Assignment

    before = Assignment.objects.count()
    data = {"unit": value, "user": value, "role": "staff"}
    response = client_for(people.superuser).post(reverse("admin:grids_assignment_add"), data)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"unit", "user"}
    assert Assignment.objects.count() == before


def test_a_huge_group_id_in_the_user_admin_is_a_form_error(people, client_for):
    user = people.huafu
    data = {"username": user.username, "groups": "99999999999999999999", "date_joined_0": "2026-01-01"}
    data |= {"date_joined_1": "08:00:00", "is_staff": "on", "is_active": "on"}
    response = client_for(people.superuser).post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
