"""Volunteer hours only for an activity that has started, and no more than it lasted unless a
reason is recorded: in the service, on the attendance page and in the admin alike."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from projects.models import ServiceRecord
from projects.services import activities as services
from tests.factory_volunteer import make_activity, make_project, make_record, make_signup, make_volunteer

OVER = "%(hours)s hours is more than the activity lasted (%(length)s hours): record the reason for the extra hours."
NOT_STARTED = "Attendance can be recorded once the activity has started."


def over(hours, length="2.00"):
    return gettext(OVER) % {"hours": hours, "length": length}


@pytest.fixture
def past(tree):
    """A two-hour activity of yesterday with one sign-up."""
    activity = make_activity(make_project(tree.community1), days=-1, hours=2)
    make_signup(activity, name="王芳", mobile="13912340001")
    return activity


def _record(activity, volunteer, hours, reason=None, user=None):
    entry = (volunteer, True, Decimal(hours)) + ((reason,) if reason is not None else ())
    return services.record_attendance(activity=activity, entries=[entry], user=user)


def test_20_hours_for_a_2_hour_activity_need_a_reason(tree, people, past):
    volunteer = make_volunteer(tree.community1)
    with pytest.raises(ValidationError) as exc:
        _record(past, volunteer, "20", user=people.huafu)
    assert exc.value.messages == [over("20.00")]
    with pytest.raises(ValidationError):
        _record(past, volunteer, "20", reason="   ", user=people.huafu)
    assert not ServiceRecord.objects.exists()
    _record(past, volunteer, "20", reason="通宵值守防汛点", user=people.huafu)
    record = ServiceRecord.objects.get()
    assert (record.hours, record.extra_hours_reason) == (Decimal("20.00"), "通宵值守防汛点")


def test_up_to_the_length_needs_no_reason_and_a_quarter_more_does(tree, people, past):
    volunteer = make_volunteer(tree.community1)
    _record(past, volunteer, "2.00", user=people.huafu)
    with pytest.raises(ValidationError) as exc:
        _record(past, volunteer, "2.25", user=people.huafu)
    assert exc.value.messages == [over("2.25")]
    assert ServiceRecord.objects.get().hours == Decimal("2.00")


def test_an_activity_of_1_h_50_min_takes_at_most_1_83_hours_without_a_reason(tree, people):
    activity = make_activity(make_project(tree.community1), days=-1, hours=2)
    activity.ends_at = activity.starts_at + timedelta(minutes=110)
    activity.save()
    volunteer = make_volunteer(tree.community1)
    with pytest.raises(ValidationError) as exc:
        _record(activity, volunteer, "2.00", user=people.huafu)
    assert exc.value.messages == [over("2.00", "1.83")]
    _record(activity, volunteer, "1.75", user=people.huafu)


def test_hours_only_once_the_activity_has_started(tree, people):
    future = make_activity(make_project(tree.community1), days=1, hours=2)
    with pytest.raises(ValidationError) as exc:
        _record(future, make_volunteer(tree.community1), "1", user=people.huafu)
    assert exc.value.messages == [gettext(NOT_STARTED)]
    # Under way (started an hour ago, ends in an hour): hours may be recorded.
    now = timezone.now()
    running = make_activity(make_project(tree.community1), days=0, hours=2)
    running.starts_at, running.ends_at = now - timedelta(hours=1), now + timedelta(hours=1)
    running.signup_deadline = running.starts_at
    running.save()
    _record(running, make_volunteer(tree.community1), "1", user=people.huafu)
    assert ServiceRecord.objects.filter(activity=running).count() == 1


# --- The attendance page -------------------------------------------------------------------


def test_the_attendance_page_asks_the_reason_on_the_row(past, people, client_for):
    signup = past.signups.get()
    url = reverse("volunteer_staff_attendance", args=[past.pk])
    client = client_for(people.huafu)
    data = {f"s{signup.pk}-attended": "on", f"s{signup.pk}-hours": "20"}
    response = client.post(url, data)
    assert response.status_code == 200
    row = response.context["rows"][0][1]
    assert row.errors == {"reason": [over("20.00")]}
    assert escape(over("20.00")) in response.content.decode()
    assert not ServiceRecord.objects.exists()

    response = client.post(url, data | {f"s{signup.pk}-reason": "含活动前后布场和清场"})
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert (record.hours, record.extra_hours_reason) == (Decimal("20.00"), "含活动前后布场和清场")
    # The reason comes back with the row, so saving the page again keeps it.
    page = client.get(url)
    assert page.context["rows"][0][1].initial["reason"] == "含活动前后布场和清场"


def test_a_walk_in_over_the_length_needs_the_reason_too(tree, past, people, client_for):
    walk_in = make_volunteer(tree.community1, name="临时来的")
    signup = past.signups.get()
    url = reverse("volunteer_staff_attendance", args=[past.pk])
    data = {f"s{signup.pk}-hours": "2", "add-volunteer": walk_in.pk, "add-hours": "3"}
    client = client_for(people.huafu)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["walk_in"].errors == {"reason": [over("3.00")]}
    assert not ServiceRecord.objects.exists()
    assert client.post(url, data | {"add-reason": "帮忙搬运物资"}).status_code == 302
    assert ServiceRecord.objects.get().extra_hours_reason == "帮忙搬运物资"


def test_the_default_hours_never_pass_the_length(tree, people, client_for):
    activity = make_activity(make_project(tree.community1), days=-1)
    activity.ends_at = activity.starts_at + timedelta(minutes=115)  # 1.9166… hours
    activity.save()
    make_signup(activity)
    page = client_for(people.huafu).get(reverse("volunteer_staff_attendance", args=[activity.pk]))
    assert page.context["rows"][0][1].initial["hours"] == 1.75


# --- The admin saves records directly: it checks the same rule ------------------------------


def _admin_add(client, activity, volunteer, hours, reason=""):
    data = {"activity": activity.pk, "volunteer": volunteer.pk, "hours": hours, "extra_hours_reason": reason}
    return client.post(reverse("admin:projects_servicerecord_add"), data)


@pytest.mark.parametrize("who", ["district_admin", "superuser"])
def test_the_admin_refuses_hours_for_an_activity_not_yet_started(tree, people, client_for, who):
    future = make_activity(make_project(tree.community1), days=2, hours=2)
    response = _admin_add(client_for(getattr(people, who)), future, make_volunteer(tree.community1), "1")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"activity": [gettext(NOT_STARTED)]}
    assert not ServiceRecord.objects.exists()


def test_the_admin_asks_the_reason_for_more_hours_than_the_activity_lasted(tree, past, people, client_for):
    client = client_for(people.district_admin)
    volunteer = make_volunteer(tree.community1)
    response = _admin_add(client, past, volunteer, "20")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"extra_hours_reason": [over("20.00")]}
    assert not ServiceRecord.objects.exists()
    assert _admin_add(client, past, volunteer, "20", reason="通宵值守").status_code == 302
    assert ServiceRecord.objects.get().extra_hours_reason == "通宵值守"


def test_the_admin_checks_a_changed_record_too(tree, past, people, client_for):
    record = make_record(past, make_volunteer(tree.community1), "2.00")
    url = reverse("admin:projects_servicerecord_change", args=[record.pk])
    data = {"activity": past.pk, "volunteer": record.volunteer_id, "hours": "20", "extra_hours_reason": ""}
    response = client_for(people.district_admin).post(url, data)
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.hours == Decimal("2.00")


# --- Rescheduling an activity cannot undo the rules for hours already recorded ------------


def _activity_data(activity, **changes):
    local = {name: timezone.localtime(getattr(activity, name)) for name in ("starts_at", "ends_at", "signup_deadline")}
    data = {name: value.strftime("%Y-%m-%dT%H:%M") for name, value in local.items()}
    data |= {"title": activity.title, "address": activity.address, "capacity": activity.capacity, "description": ""}
    return data | {name: value.strftime("%Y-%m-%dT%H:%M") for name, value in changes.items()}


def test_an_activity_with_hours_cannot_move_ahead_nor_shrink_below_them(tree, past, people, client_for):
    record = make_record(past, make_volunteer(tree.community1), "2.00")
    url = reverse("volunteer_staff_activity_edit", args=[past.pk])
    client = client_for(people.huafu)
    tomorrow = timezone.localtime() + timedelta(days=1)
    ahead = _activity_data(
        past, starts_at=tomorrow, ends_at=tomorrow + timedelta(hours=2), signup_deadline=tomorrow - timedelta(hours=1)
    )
    response = client.post(url, ahead)
    assert response.status_code == 200
    message = gettext("Hours are already recorded for this activity: it cannot start in the future.")
    assert response.context["form"].errors == {"starts_at": [message]}
    shorter = _activity_data(past, ends_at=timezone.localtime(past.starts_at) + timedelta(hours=1))
    response = client.post(url, shorter)
    message = gettext(
        "%(hours)s hours are recorded for a volunteer without a reason: the activity cannot be shorter."
    ) % {"hours": "2.00"}
    assert response.context["form"].errors == {"ends_at": [message]}
    past_ends = past.ends_at
    past.refresh_from_db()
    assert past.ends_at == past_ends
    # With the reason recorded, the shorter activity stands.
    ServiceRecord.objects.filter(pk=record.pk).update(extra_hours_reason="含清场")
    assert client.post(url, shorter).status_code == 302
    past.refresh_from_db()
    assert past.length_hours() == 1


def test_the_admin_cannot_move_an_activity_with_hours_ahead(tree, past, people, client_for):
    make_record(past, make_volunteer(tree.community1), "1.00")
    starts = timezone.localtime() + timedelta(days=1)
    moments = {
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "signup_deadline": starts - timedelta(hours=1),
    }
    data = {"project": past.project_id, "title": past.title, "address": past.address, "capacity": past.capacity}
    for name, moment in moments.items():
        data |= {f"{name}_0": moment.strftime("%Y-%m-%d"), f"{name}_1": moment.strftime("%H:%M:%S")}
    response = client_for(people.superuser).post(reverse("admin:projects_activity_change", args=[past.pk]), data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["starts_at"]
    before = past.starts_at
    past.refresh_from_db()
    assert past.starts_at == before
