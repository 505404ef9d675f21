"""Attendance with walk-ins: hours for a volunteer who came without signing up, chosen among the
volunteers in the staffer's scope (a capped, searchable list), all or nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import ServiceRecord, Volunteer
from projects.services import activities as services
from tests.factory_volunteer import make_activity, make_project, make_record, make_signup, make_volunteer


@pytest.fixture
def past(tree):
    activity = make_activity(make_project(tree.community1), days=-1, hours=2)
    make_signup(activity, name="报名者", mobile="13912340001")
    return activity


def _attendance(activity, extra=None):
    data = {}
    for signup in activity.signups.active():
        data[f"s{signup.pk}-hours"] = "2"
    data.update(extra or {})
    return data


def test_staff_add_hours_for_a_volunteer_without_sign_up(tree, people, client_for, past):
    walk_in = make_volunteer(tree.community1, "临时来的", "13912340002")
    signed = make_volunteer(tree.community1, "报名者", "13912340001")  # has a sign-up: not offered
    outsider = make_volunteer(tree.community2, "外街志愿者", "13912340003")
    client = client_for(people.huafu)
    url = reverse("volunteer_staff_attendance", args=[past.pk])
    choices = {pk for pk, _label in client.get(url).context["walk_in_choices"]}
    assert walk_in.pk in choices and signed.pk not in choices and outsider.pk not in choices
    response = client.post(url, _attendance(past, {"add-volunteer": walk_in.pk, "add-hours": "1.5"}))
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteer_staff_activity", args=[past.pk])
    assert list(ServiceRecord.objects.values_list("volunteer__name", "hours")) == [("临时来的", Decimal("1.50"))]
    # The walk-in is now a row of the page, to correct or remove like any other.
    page = client.get(url)
    assert "临时来的" in page.content.decode() and "139****0002" in page.content.decode()
    assert walk_in.pk not in {pk for pk, _label in page.context["walk_in_choices"]}
    client.post(url, _attendance(past, {f"v{walk_in.pk}-attended": "on", f"v{walk_in.pk}-hours": "1.75"}))
    assert ServiceRecord.objects.get().hours == Decimal("1.75")
    client.post(url, _attendance(past, {f"v{walk_in.pk}-hours": "1.75"}))
    assert not ServiceRecord.objects.exists()


def test_walk_in_list_is_capped_and_searchable(tree, people, client_for, past, monkeypatch):
    from projects.views import activities as views

    monkeypatch.setattr(views, "WALK_IN_CHOICES", 3)
    for i in range(5):
        make_volunteer(tree.community1, f"本社区{i}", f"1391234100{i}")
    elsewhere = make_volunteer(tree.street1, "街道志愿者", "13912349999")  # in scope, not the project's unit
    client = client_for(people.huafu)
    url = reverse("volunteer_staff_attendance", args=[past.pk])
    page = client.get(url)
    assert [label.split(" ")[0] for _pk, label in page.context["walk_in_choices"]] == ["本社区0", "本社区1", "本社区2"]
    assert page.context["more_choices"] and "仅列出前 3 名" in page.content.decode()
    found = client.get(url, {"find": "9999"}).context["walk_in_choices"]
    assert [pk for pk, _label in found] == [elsewhere.pk]
    assert [pk for pk, _label in client.get(url, {"find": "街道"}).context["walk_in_choices"]] == [elsewhere.pk]
    # Any volunteer in scope validates, listed or not.
    response = client.post(url, _attendance(past, {"add-volunteer": elsewhere.pk, "add-hours": "1"}))
    assert response.status_code == 302 and ServiceRecord.objects.get().volunteer == elsewhere
    assert response["Location"] == reverse("volunteer_staff_activity", args=[past.pk])


def test_a_tampered_walk_in_from_another_street_is_refused(tree, people, client_for, past):
    outsider = make_volunteer(tree.community2, "外街志愿者")
    url = reverse("volunteer_staff_attendance", args=[past.pk])
    signup = past.signups.get()
    data = _attendance(past, {f"s{signup.pk}-attended": "on", "add-volunteer": outsider.pk, "add-hours": "2"})
    response = client_for(people.huafu).post(url, data)
    assert response.status_code == 200 and "请修改" in response.content.decode()
    assert not ServiceRecord.objects.exists() and Volunteer.objects.count() == 1  # nothing at all


def test_walk_in_needs_hours(tree, people, client_for, past):
    walk_in = make_volunteer(tree.community1)
    url = reverse("volunteer_staff_attendance", args=[past.pk])
    response = client_for(people.huafu).post(url, _attendance(past, {"add-volunteer": walk_in.pk, "add-hours": ""}))
    assert response.status_code == 200 and not ServiceRecord.objects.exists()


def test_the_service_refuses_a_walk_in_outside_the_scope(tree, people, past):
    outsider = make_volunteer(tree.community2)
    with pytest.raises(ValidationError):
        services.record_attendance(activity=past, entries=[(outsider, True, Decimal("2"))], user=people.huafu)
    assert not ServiceRecord.objects.exists()
    # Hours already recorded (say by the district) can still be corrected by the street.
    make_record(past, outsider, "1.00")
    services.record_attendance(activity=past, entries=[(outsider, True, Decimal("1.75"))], user=people.huafu)
    assert ServiceRecord.objects.get().hours == Decimal("1.75")


def test_attendance_with_walk_ins_makes_a_constant_number_of_queries(
    tree, people, client_for, past, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people.huafu)
    url = reverse("volunteer_staff_attendance", args=[past.pk])
    make_record(past, make_volunteer(tree.community1))
    make_volunteer(tree.community1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        make_record(past, make_volunteer(tree.community1))
        make_volunteer(tree.community1)
        make_signup(past)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_searching_keeps_the_hours_typed_and_saves_nothing(tree, people, client_for, past):
    """查找 used to be a GET form of its own: the page reloaded and the hours typed were lost."""
    local = make_volunteer(tree.community1, "本社区志愿者", "13912341000")
    elsewhere = make_volunteer(tree.street1, "街道志愿者", "13912349999")
    signup = past.signups.get()
    url = reverse("volunteer_staff_attendance", args=[past.pk])
    typed = {
        f"s{signup.pk}-attended": "on",
        f"s{signup.pk}-hours": "2.75",
        f"s{signup.pk}-reason": "提前布置场地",
        "add-volunteer": str(local.pk),
        "add-hours": "1.25",
        "add-reason": "帮忙收尾",
        "find": "街道",
        "search": "1",
    }
    response = client_for(people.huafu).post(url, typed)
    assert response.status_code == 200
    assert not ServiceRecord.objects.exists() and Volunteer.objects.count() == 2
    page = response.content.decode()
    assert f'name="s{signup.pk}-attended" id="id_s{signup.pk}-attended" checked>' in page
    assert f'name="s{signup.pk}-hours" id="id_s{signup.pk}-hours" value="2.75">' in page
    assert f'name="s{signup.pk}-reason" id="id_s{signup.pk}-reason" value="提前布置场地">' in page
    assert 'name="add-hours" id="id_add-hours" value="1.25">' in page
    assert 'name="add-reason" id="id_add-reason" value="帮忙收尾">' in page
    assert 'name="find" value="街道"' in page
    # The search lists what it finds, and the walk-in chosen before stays chosen.
    assert [pk for pk, _label in response.context["walk_in_choices"]] == [local.pk, elsewhere.pk]
    assert f'<option value="{local.pk}" selected>' in page
    # A search is not a save: nothing is marked wrong (2.75 h of a 2 h activity with a reason
    # is fine, but even a wrong value waits for 保存).
    assert "is-invalid" not in page and "请修改" not in page
    typed[f"s{signup.pk}-hours"] = "abc"
    page = client_for(people.huafu).post(url, typed).content.decode()
    assert 'value="abc">' in page and "is-invalid" not in page
    # Saving the same page afterwards (the search box posted along) saves what was typed.
    del typed["search"]
    typed[f"s{signup.pk}-hours"] = "2.75"
    response = client_for(people.huafu).post(url, typed)
    assert response.status_code == 302
    assert sorted(ServiceRecord.objects.values_list("volunteer__name", "hours", "extra_hours_reason")) == [
        ("报名者", Decimal("2.75"), "提前布置场地"),
        ("本社区志愿者", Decimal("1.25"), "帮忙收尾"),
    ]


def test_the_search_button_posts_the_attendance_form(tree, people, client_for, past):
    page = client_for(people.huafu).get(reverse("volunteer_staff_attendance", args=[past.pk])).content.decode()
    form = page[page.index('<form method="post">') : page.index("</form>", page.index('<form method="post">'))]
    assert 'name="find"' in form
    assert (
        '<button class="btn btn-outline-dark w-100" type="submit" name="search" value="1" formaction="#walk-in" formnovalidate>'
        in form
    )
    assert 'form="find-form"' not in page
