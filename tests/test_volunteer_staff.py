"""Staff volunteering pages: attendance and hours, totals, ratings, export, certificates, masking."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from projects.models import (
    Certificate,
    ServiceProject,
    ServiceRecord,
    Signup,
    StarRating,
    Volunteer,
    VolunteerTeam,
)
from projects.services import volunteers as services
from tests.factory_volunteer import (
    make_activity,
    make_project,
    make_record,
    make_signup,
    make_team,
    make_volunteer,
)


@pytest.fixture
def past_activity(tree):
    project = make_project(tree.community1, "梅岗先锋使者在行动")
    activity = make_activity(project, days=-2, hours=3)
    make_signup(activity, name="王芳", mobile="13912345678")
    make_signup(activity, name="李强", mobile="13987654321")
    make_signup(activity, name="取消者", mobile="13911112222", cancelled_at=timezone.now())
    return activity


def _attendance_post(activity, data):
    post = {}
    for signup in activity.signups.active():
        attended, hours = data.get(signup.name, (False, ""))
        if attended:
            post[f"s{signup.pk}-attended"] = "on"
        post[f"s{signup.pk}-hours"] = hours
    return post


def test_staff_record_attendance_and_hours(past_activity, people, client_for):
    client = client_for(people.huafu)
    url = reverse("volunteer_staff_attendance", args=[past_activity.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "139****5678" in html and "13912345678" not in html
    assert "取消者" not in html
    response = client.post(url, _attendance_post(past_activity, {"王芳": (True, "3"), "李强": (False, "")}))
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.hours == Decimal("3.00") and record.recorded_by == people.huafu
    volunteer = Volunteer.objects.get(Volunteer.mobile.q("13912345678"))
    assert volunteer.name == "王芳" and volunteer.unit == past_activity.project.unit
    # Correcting: 王芳 not there after all, 李强 was; nothing else changes.
    client.post(url, _attendance_post(past_activity, {"王芳": (False, ""), "李强": (True, "2.5")}))
    assert list(ServiceRecord.objects.values_list("volunteer__name", "hours")) == [("李强", Decimal("2.50"))]


def test_bad_hours_save_nothing(past_activity, people, client_for):
    client = client_for(people.huafu)
    url = reverse("volunteer_staff_attendance", args=[past_activity.pk])
    response = client.post(url, _attendance_post(past_activity, {"王芳": (True, "3"), "李强": (True, "30")}))
    assert response.status_code == 200
    assert "请修改" in response.content.decode()
    assert not ServiceRecord.objects.exists()
    assert not Volunteer.objects.exists()


def test_viewer_cannot_record_hours(past_activity, people, client_for):
    url = reverse("volunteer_staff_attendance", args=[past_activity.pk])
    response = client_for(people.viewer).post(url, _attendance_post(past_activity, {"王芳": (True, "3")}))
    assert response.status_code == 403
    assert not ServiceRecord.objects.exists()


def test_hours_totals_per_volunteer_team_and_project(tree):
    team = make_team(tree.community1, "梅岗党员先锋队")
    other_team = make_team(tree.community1, "青年队")
    a, b = make_volunteer(tree.community1), make_volunteer(tree.community1)
    a.teams.add(team, other_team)
    b.teams.add(team)
    p1, p2 = make_project(tree.community1), make_project(tree.community2)
    make_record(make_activity(p1, days=-10), a, "2.00")
    make_record(make_activity(p1, days=-5), a, "1.50")
    make_record(make_activity(p2, days=-5), b, "4.25")
    hours = dict(Volunteer.objects.with_hours().values_list("pk", "total_hours"))
    assert hours == {a.pk: Decimal("3.50"), b.pk: Decimal("4.25")}
    teams = dict(VolunteerTeam.objects.with_hours().values_list("name", "total_hours"))
    assert teams == {"梅岗党员先锋队": Decimal("7.75"), "青年队": Decimal("3.50")}
    projects = dict(ServiceProject.objects.with_hours().values_list("pk", "total_hours"))
    assert projects == {p1.pk: Decimal("3.50"), p2.pk: Decimal("4.25")}
    # Annotating several totals at once does not multiply rows.
    both = Volunteer.objects.with_hours().annotate(n_teams=Sum("teams__pk")).get(pk=a.pk)
    assert both.total_hours == Decimal("3.50")


def test_open_stats_totals_equal_sums_of_records(client, tree):
    team = make_team(tree.community1)
    volunteer = make_volunteer(tree.community1)
    volunteer.teams.add(team)
    make_record(make_activity(make_project(tree.community1), days=-3), volunteer, "2.25")
    make_record(make_activity(make_project(tree.community2), days=-3), make_volunteer(tree.community2), "1.50")
    make_activity(make_project(tree.community2))
    data = client.get(reverse("open_stats")).json()["volunteering"]
    expected_hours = ServiceRecord.objects.aggregate(total=Sum("hours"))["total"]
    assert data == {
        "projects": ServiceProject.objects.count(),
        "teams": VolunteerTeam.objects.count(),
        "volunteers": Volunteer.objects.count(),
        "activities": 3,
        "hours": f"{expected_hours:.2f}",
    }
    assert data["hours"] == "3.75"
    street = client.get(reverse("open_stats"), {"unit": tree.street1.pk}).json()["volunteering"]
    assert street == {"projects": 1, "teams": 1, "volunteers": 1, "activities": 1, "hours": "2.25"}


def test_star_rating_keeps_its_history(tree, people, client_for):
    project = make_project(tree.community1)
    client = client_for(people.huafu)
    url = reverse("volunteer_staff_project_rate", args=[project.pk])
    assert client.post(url, {"stars": "4", "reason": "年度评定"}).status_code == 302
    assert client.post(url, {"stars": "5", "reason": "服务人次翻番"}).status_code == 302
    assert client.post(url, {"stars": "9", "reason": "x"}).status_code == 200
    assert client.post(url, {"stars": "3", "reason": ""}).status_code == 200
    project.refresh_from_db()
    assert project.star_rating == 5
    history = list(StarRating.objects.values_list("stars", "reason", "rated_by__username"))
    assert history == [(5, "服务人次翻番", "huafu"), (4, "年度评定", "huafu")]
    page = client.get(reverse("volunteer_staff_project", args=[project.pk])).content.decode()
    assert "服务人次翻番" in page and "年度评定" in page


def test_certificate_prints_and_its_code_verifies(tree, people, client_for, client):
    volunteer = make_volunteer(tree.community1, "王芳", "13912345678")
    make_record(make_activity(make_project(tree.community1), days=-3), volunteer, "2.50")
    make_record(make_activity(make_project(tree.community1), days=-400), volunteer, "9.00")
    staff = client_for(people.meigang)
    today = timezone.localdate()
    start = today - timedelta(days=30)
    response = staff.post(
        reverse("volunteer_staff_certificate_new", args=[volunteer.pk]), {"start": start, "end": today}
    )
    certificate = Certificate.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("volunteer_staff_certificate", args=[certificate.pk])
    )
    assert certificate.hours == Decimal("2.50") and certificate.unit == tree.community1
    printed = staff.get(response["Location"]).content.decode()
    assert "志愿服务证明" in printed and services.format_code(certificate.code) in printed
    staff.logout()
    check = client.get(reverse("volunteer_verify"), {"code": services.format_code(certificate.code).lower()})
    html = check.content.decode()
    assert check.status_code == 200
    assert "王芳" in html and "2.50" in html and start.strftime("%Y-%m-%d") in html and "梅岗社区" in html
    assert "5678" not in html and "1391" not in html
    wrong = client.get(reverse("volunteer_verify"), {"code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 404


def test_certificate_without_hours_is_refused(tree, people, client_for):
    volunteer = make_volunteer(tree.community1)
    today = timezone.localdate()
    response = client_for(people.meigang).post(
        reverse("volunteer_staff_certificate_new", args=[volunteer.pk]), {"start": today, "end": today}
    )
    assert response.status_code == 200 and "没有服务时长记录" in response.content.decode()
    assert not Certificate.objects.exists()


def test_certificate_codes_are_random_and_unambiguous():
    codes = {services.new_certificate_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 12 and not set(c) & set("01OIL") for c in codes)


def test_excel_export_of_hours_per_volunteer_in_scope(tree, people, client_for):
    mine = make_volunteer(tree.community1, "王芳", "13912345678")
    theirs = make_volunteer(tree.community2, "狮岭人", "13900001111")
    make_record(make_activity(make_project(tree.community1), days=-3), mine, "2.50")
    make_record(make_activity(make_project(tree.community1), days=-100), mine, "7.00")
    make_record(make_activity(make_project(tree.community2), days=-3), theirs, "1.00")
    today = timezone.localdate()
    url = reverse("volunteer_staff_hours_export")
    client = client_for(people.huafu)
    form = client.get(url)
    assert form.status_code == 200 and "xlsx" in form.content.decode()
    response = client.get(url, {"start": today - timedelta(days=30), "end": today})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=3)]
    assert rows[0][:2] == ("王芳", "139****5678") and Decimal(str(rows[0][4])) == Decimal("2.50")
    assert rows[-1][0] == "合计"
    assert all("狮岭人" not in str(row) and "13912345678" not in str(row) for row in rows)
    bad = client.get(url, {"start": today, "end": today - timedelta(days=1)})
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()


def test_staff_pages_show_masked_mobiles_only(past_activity, people, client_for):
    make_volunteer(past_activity.project.unit, "王芳", "13912345678")
    client = client_for(people.huafu)
    volunteer = Volunteer.objects.get()
    for url in [
        reverse("volunteer_staff_activity", args=[past_activity.pk]),
        reverse("volunteer_staff_volunteers"),
        reverse("volunteer_staff_volunteer", args=[volunteer.pk]),
        reverse("volunteer_staff_volunteer_edit", args=[volunteer.pk]),
        reverse("admin:projects_volunteer_changelist"),
        reverse("admin:projects_volunteer_change", args=[volunteer.pk]),
        reverse("admin:projects_signup_changelist"),
    ]:
        html = client.get(url).content.decode()
        assert "13912345678" not in html, url
        assert "139****5678" in html, url


def test_volunteer_edit_keeps_the_mobile_when_left_empty(tree, people, client_for):
    volunteer = make_volunteer(tree.community1, "王芳", "13912345678")
    url = reverse("volunteer_staff_volunteer_edit", args=[volunteer.pk])
    data = {"unit": tree.community1.pk, "name": "王芳芳", "mobile": "", "registered_on": "2025-03-01"}
    assert client_for(people.huafu).post(url, data).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.name == "王芳芳" and volunteer.mobile.reveal() == "13912345678"
    data["mobile"] = "12345"
    assert client_for(people.huafu).post(url, data).status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.mobile.reveal() == "13912345678"


def test_staff_create_pages_offer_only_units_in_scope(tree, people, client_for):
    client = client_for(people.huafu)
    response = client.get(reverse("volunteer_staff_project_new"))
    assert set(response.context["form"].fields["unit"].queryset) <= set(
        tree.street1.__class__.objects.under(tree.street1)
    )
    data = {"unit": tree.community2.pk, "title": "越界", "category": "elderly", "status": "active"}
    data["beneficiary_visits"] = "0"
    assert client.post(reverse("volunteer_staff_project_new"), data).status_code == 200
    assert not ServiceProject.objects.filter(title="越界").exists()
    data["unit"] = tree.community1.pk
    assert client.post(reverse("volunteer_staff_project_new"), data).status_code == 302
    assert ServiceProject.objects.filter(title="越界", unit=tree.community1).exists()
    assert client_for(people.viewer).post(reverse("volunteer_staff_project_new"), data).status_code == 403


def test_activity_form_rules(tree, people, client_for):
    project = make_project(tree.community1)
    client = client_for(people.huafu)
    url = reverse("volunteer_staff_activity_new", args=[project.pk])
    data = {
        "title": "敬老午餐",
        "address": "南园路88号",
        "starts_at": "2030-05-01T10:00",
        "ends_at": "2030-05-01T09:00",
        "signup_deadline": "2030-04-30T18:00",
        "capacity": "10",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "活动结束时间须晚于开始时间" in response.content.decode()
    data["ends_at"] = "2030-05-01T12:00"
    assert client.post(url, data).status_code == 302
    activity = project.activities.get()
    # Entered as Beijing time, stored as the same instant.
    assert activity.starts_at.astimezone(timezone.get_default_timezone()).hour == 10
    make_signup(activity)
    make_signup(activity)
    edit = reverse("volunteer_staff_activity_edit", args=[activity.pk])
    assert client.post(edit, data | {"capacity": "1"}).status_code == 200
    activity.refresh_from_db()
    assert activity.capacity == 10


def _bulk(tree, n):
    for i in range(n):
        unit = tree.community1
        team = make_team(unit)
        volunteer = make_volunteer(unit)
        volunteer.teams.add(team)
        project = make_project(unit)
        activity = make_activity(project, days=1 + i)
        make_signup(activity, mobile=volunteer.mobile)
        make_record(make_activity(project, days=-1 - i), volunteer)


LIST_PAGES = [
    "volunteer_staff_projects",
    "volunteer_staff_teams",
    "volunteer_staff_volunteers",
    "volunteer_staff_activities",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_staff_list_pages_make_a_constant_number_of_queries(name, tree, people, client_for, django_assert_num_queries):
    client = client_for(people.huafu)
    _bulk(tree, 2)
    client.get(reverse(name))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    _bulk(tree, 10)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_staff_activity_sign_up_list_constant_queries(tree, people, client_for, django_assert_max_num_queries):
    activity = make_activity(make_project(tree.community1), capacity=50)
    for _ in range(3):
        make_signup(activity)
    client = client_for(people.huafu)
    client.get(reverse("volunteer_staff_activity", args=[activity.pk]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("volunteer_staff_activity", args=[activity.pk]))
        client.get(reverse("volunteer_staff_attendance", args=[activity.pk]))
    for _ in range(20):
        make_signup(activity)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("volunteer_staff_activity", args=[activity.pk]))
        client.get(reverse("volunteer_staff_attendance", args=[activity.pk]))
    assert Signup.objects.count() == 23


def test_attendance_before_the_activity_starts_is_refused(tree, people, client_for):
    activity = make_activity(make_project(tree.community1), days=2)
    signup = make_signup(activity, name="王芳")
    url = reverse("volunteer_staff_attendance", args=[activity.pk])
    response = client_for(people.huafu).post(url, {f"s{signup.pk}-attended": "on", f"s{signup.pk}-hours": "2"})
    assert response.status_code == 200 and "活动开始后" in response.content.decode()
    assert not ServiceRecord.objects.exists()
