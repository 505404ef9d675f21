"""Public volunteering pages: sign-up rules, the race for the last place, cancellation links."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from projects.models import ProjectCategory, ProjectStatus, Signup
from projects.models.activities import hash_token
from projects.services import activities as services
from tests.factory_volunteer import make_activity, make_project, make_signup

MOBILE = "13800138000"


@pytest.fixture
def activity(tree):
    return make_activity(make_project(tree.community1, "梅岗先锋使者在行动"), capacity=2)


def _post(client, activity, name="李四", mobile=MOBILE):
    return client.post(reverse("volunteer_activity", args=[activity.pk]), {"name": name, "mobile": mobile})


def test_sign_up_without_account_gives_a_working_cancel_link(client, activity):
    response = _post(client, activity, mobile="138 0013 8000")
    assert response.status_code == 200
    signup = Signup.objects.get()
    assert signup.mobile.reveal() == MOBILE and signup.mobile == "138****8000" and signup.name == "李四"
    cancel_url = response.context["cancel_url"]
    token = cancel_url.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 40
    assert signup.token_hash == hash_token(token) and token not in signup.token_hash
    assert response["Cache-Control"] == "no-store"
    page = client.get(cancel_url)
    assert page.status_code == 200 and "李四" in page.content.decode()
    assert client.post(cancel_url).status_code == 200
    signup.refresh_from_db()
    assert signup.cancelled_at is not None
    assert activity.signups.active().count() == 0
    # Cancelled: the same mobile may sign up again.
    assert _post(client, activity).status_code == 200
    assert activity.signups.active().count() == 1


def test_a_guessed_or_foreign_token_does_nothing(client, activity):
    make_signup(activity, mobile=MOBILE)
    for token in ["abc", "x" * 43, "1", "../../admin"]:
        response = client.post(reverse("volunteer_cancel", args=[token.replace("/", "_")]))
        assert response.status_code == 404
    assert activity.signups.active().count() == 1


@pytest.mark.parametrize(
    ("name", "mobile", "message"),
    [
        ("", MOBILE, "必填项"),
        ("李四", "12345", "11"),
        ("李四", "1380013800a", "11"),
        ("   ", MOBILE, "必填项"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_changes_nothing(client, activity, name, mobile, message):
    response = _post(client, activity, name=name, mobile=mobile)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Signup.objects.exists()


def test_second_sign_up_with_the_same_mobile_is_refused(client, activity):
    assert _post(client, activity).status_code == 200
    response = _post(client, activity, name="别人")
    assert response.status_code == 400
    assert "已经报名" in response.content.decode()
    assert Signup.objects.count() == 1


def test_full_activity_refuses_further_sign_ups(client, activity):
    assert _post(client, activity, mobile="13800000001").status_code == 200
    assert _post(client, activity, mobile="13800000002").status_code == 200
    response = _post(client, activity, mobile="13800000003")
    assert response.status_code == 400
    assert "已满" in response.content.decode()
    assert activity.signups.count() == 2


def test_closed_deadline_and_unpublished_projects_refuse(client, tree):
    closed = make_activity(make_project(tree.community1), days=1)
    closed.signup_deadline = timezone.now() - timedelta(minutes=1)
    closed.save()
    assert _post(client, closed).status_code == 400
    planning = make_activity(make_project(tree.community1, status=ProjectStatus.PLANNING))
    assert _post(client, planning).status_code == 404
    with pytest.raises(ValidationError):
        services.sign_up(activity_id=planning.pk, name="李四", mobile=MOBILE)
    assert not Signup.objects.exists()


def test_cancel_after_start_is_refused(client, activity):
    _signup, token = services.sign_up(activity_id=activity.pk, name="李四", mobile=MOBILE)
    later = activity.starts_at + timedelta(minutes=1)
    with pytest.raises(ValidationError):
        services.cancel_signup(token=token, now=later)
    assert activity.signups.active().count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_residents_racing_for_the_last_place(tree):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and two connections; SQLite serialises writers anyway")
    activity = make_activity(make_project(tree.community1), capacity=1)
    barrier = threading.Barrier(4)
    results = []

    def attempt(mobile):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.sign_up(activity_id=activity.pk, name="居民", mobile=mobile)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt, args=(f"1380000000{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert activity.signups.active().count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_mobile_racing_twice_gets_one_place(tree):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and two connections")
    activity = make_activity(make_project(tree.community1), capacity=5)
    barrier = threading.Barrier(2)
    results = []

    def attempt():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.sign_up(activity_id=activity.pk, name="居民", mobile=MOBILE)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    assert activity.signups.count() == 1


def test_script_and_html_in_descriptions_render_as_text(client, tree):
    evil = '<script>alert("x")</script><b onmouseover="x()">粗体</b>'
    project = make_project(tree.community1, "安全项目", description=evil)
    activity = make_activity(project, description=evil)
    for url in [
        reverse("volunteer_project", args=[project.pk]),
        reverse("volunteer_activity", args=[activity.pk]),
        reverse("volunteer_index"),
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<b onmouseover" not in html
    html = client.get(reverse("volunteer_project", args=[project.pk])).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_index_filters(client, tree):
    elderly = make_project(tree.community1, "梅岗长者", category=ProjectCategory.ELDERLY, star_rating=5)
    make_project(tree.community2, "狮岭心愿驿站", category=ProjectCategory.ELDERLY, star_rating=3)
    make_project(tree.community1, "梅岗课堂", category=ProjectCategory.STUDY)
    make_project(tree.community1, "筹备中", status=ProjectStatus.PLANNING)

    def titles(**params):
        return {p.title for p in client.get(reverse("volunteer_index"), params).context["page"]}

    assert titles() == {"梅岗长者", "狮岭心愿驿站", "梅岗课堂"}
    assert titles(category="elderly") == {"梅岗长者", "狮岭心愿驿站"}
    assert titles(street=tree.street2.pk) == {"狮岭心愿驿站"}
    assert titles(community=tree.community1.pk) == {"梅岗长者", "梅岗课堂"}
    assert titles(stars=4) == {"梅岗长者"}
    assert titles(category="nonsense", stars="x") == {"梅岗长者", "狮岭心愿驿站", "梅岗课堂"}
    assert elderly.pk


def test_index_lists_upcoming_activities_with_places(client, tree):
    activity = make_activity(make_project(tree.community1), capacity=3)
    make_signup(activity)
    response = client.get(reverse("volunteer_index"))
    assert activity in list(response.context["upcoming"])
    assert "剩余 2 个名额" in response.content.decode()


def test_team_ranking_shows_names_and_totals_only(client, tree):
    from tests.factory_volunteer import make_record, make_team, make_volunteer

    team = make_team(tree.community1, "梅岗党员先锋队")
    volunteer = make_volunteer(tree.community1, "王芳", "13912345678")
    volunteer.teams.add(team)
    make_record(make_activity(make_project(tree.community1), days=-3), volunteer, "3.50")
    html = client.get(reverse("volunteer_teams")).content.decode()
    assert "梅岗党员先锋队" in html and "3.50" in html
    assert "王芳" not in html and "5678" not in html


def _seed_public(tree, n):
    for i in range(n):
        project = make_project(tree.community1 if i % 2 else tree.community2, star_rating=(i % 5) + 1)
        make_signup(make_activity(project))


def test_public_pages_make_a_constant_number_of_queries(client, tree, django_assert_max_num_queries):
    _seed_public(tree, 2)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("volunteer_index"))
    _seed_public(tree, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("volunteer_index"))
    with django_assert_max_num_queries(3):
        client.get(reverse("volunteer_teams"))


def test_team_ranking_follows_attendance_and_team_changes_with_one_query_at_two_sizes(
    client, tree, people, client_for, django_assert_num_queries
):
    from projects.models import VolunteerTeam
    from projects.services.activities import record_attendance
    from projects.services.volunteers import refresh_team_ranking
    from tests.factory_volunteer import make_team, make_volunteer

    first, second = make_team(tree.community1, "甲队"), make_team(tree.community1, "乙队")
    volunteer = make_volunteer(tree.community1, "王芳")
    volunteer.teams.add(first)
    activity = make_activity(make_project(tree.community1), days=-3, hours=4)
    record_attendance(activity=activity, entries=[(volunteer, True, Decimal("3.00"))], user=people.huafu)
    ranking = lambda: list(VolunteerTeam.objects.ranked().values_list("name", "ranked_hours"))  # noqa: E731
    assert ranking() == [("甲队", Decimal("3.00")), ("乙队", Decimal("0.00"))]
    # Joining a team through the staff form moves the team's total at once.
    url = reverse("volunteer_staff_volunteer_edit", args=[volunteer.pk])
    data = {"unit": tree.community1.pk, "name": "王芳", "mobile": "", "registered_on": "2026-01-05", "member": ""}
    client_for(people.huafu).post(url, {**data, "teams": [second.pk]})
    assert ranking() == [("乙队", Decimal("3.00")), ("甲队", Decimal("0.00"))]
    client.logout()  # a resident: the ranking's one query, no session
    with django_assert_num_queries(1):
        client.get(reverse("volunteer_teams"))
    for i in range(30):
        make_team(tree.community2, f"丙队{i}")
    VolunteerTeam.objects.update(ranked_hours=0)
    refresh_team_ranking()  # the scheduled net puts every total back
    assert ranking()[0] == ("乙队", Decimal("3.00"))
    with django_assert_num_queries(1):
        client.get(reverse("volunteer_teams"))
