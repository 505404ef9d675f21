"""The volunteer form's teams as a multi-value search-as-you-type picker (issue 15): only the
chosen teams are rendered, the `teams` endpoint is scoped, the ids are still checked."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import VolunteerTeam
from tests.factory_volunteer import make_team, make_volunteer


def _teams(unit, count, prefix):
    VolunteerTeam.objects.bulk_create(VolunteerTeam(unit=unit, name=f"{prefix}{i}") for i in range(count))


def _form_page(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.content), response.content.decode()


def test_the_form_stays_the_same_size_with_3_and_300_teams(tree, people, client_for):
    client = client_for(people.huafu)
    chosen = make_team(tree.community1, "已选队")
    volunteer = make_volunteer(tree.community1, "王芳")
    volunteer.teams.add(chosen)
    _teams(tree.community1, 2, "小队")
    client.get(reverse("volunteer_staff_volunteer_new"))  # warm the session
    pages = {}
    urls = [reverse("volunteer_staff_volunteer_new"), reverse("volunteer_staff_volunteer_edit", args=[volunteer.pk])]
    for size in ("few", "many"):
        if size == "many":
            _teams(tree.community1, 297, "又一队")
        for url in urls:
            pages[size, url] = _form_page(client, url)
    assert VolunteerTeam.objects.count() == 300
    for url in urls:
        (few_queries, few_bytes, _), (many_queries, many_bytes, html) = pages["few", url], pages["many", url]
        assert many_queries == few_queries
        assert abs(many_bytes - few_bytes) < 100  # not one checkbox per team
        assert "又一队" not in html and 'data-picker="/staff/pick/teams/?need=edit"' in html
    edit = pages["many", reverse("volunteer_staff_volunteer_edit", args=[volunteer.pk])][2]
    assert f'name="teams" value="{chosen.pk}"' in edit
    assert "已选队（梅岗社区）" in edit and "data-picker-multiple" in edit


def _data(tree, teams):
    return {
        "unit": tree.community1.pk,
        "name": "王芳",
        "mobile": "",
        "registered_on": "2026-01-05",
        "member": "",
        "teams": teams,
    }


def test_the_ids_come_comma_separated_and_are_checked_against_the_scope(tree, people, client_for):
    first, second = make_team(tree.community1, "甲队"), make_team(tree.community1, "乙队")
    outside = make_team(tree.community2, "外街队")
    volunteer = make_volunteer(tree.community1, "王芳")
    client = client_for(people.huafu)
    url = reverse("volunteer_staff_volunteer_edit", args=[volunteer.pk])
    assert client.post(url, _data(tree, f"{first.pk},{second.pk}")).status_code == 302
    assert set(volunteer.teams.all()) == {first, second}
    response = client.post(url, _data(tree, f"{first.pk},{outside.pk}"))
    assert response.status_code == 200 and "teams" in response.context["form"].errors
    # The page shown again keeps what was typed, with the labels of the ids it may show only.
    html = response.content.decode()
    assert f'value="{first.pk},{outside.pk}"' in html and "外街队" not in html
    response = client.post(url, _data(tree, "1,abc"))
    assert response.status_code == 200 and "teams" in response.context["form"].errors
    assert set(volunteer.teams.all()) == {first, second}
    assert client.post(url, _data(tree, "")).status_code == 302
    assert not volunteer.teams.exists()


def test_a_team_outside_the_scope_the_volunteer_belongs_to_stays(tree, people, client_for):
    outside = make_team(tree.community2, "外街队")
    volunteer = make_volunteer(tree.community1, "王芳")
    volunteer.teams.add(outside)
    client = client_for(people.huafu)
    url = reverse("volunteer_staff_volunteer_edit", args=[volunteer.pk])
    assert client.post(url, _data(tree, str(outside.pk))).status_code == 302
    assert list(volunteer.teams.all()) == [outside]


def test_the_teams_endpoint_searches_inside_the_scope_only(tree, people, client_for):
    _teams(tree.community1, 25, "本街队")
    make_team(tree.community2, "外街队")
    client = client_for(people.huafu)
    first = client.get(reverse("pick_teams"), {"need": "edit"}).json()
    assert len(first["results"]) == 20 and first["more"] is True
    assert first["results"][0]["text"] == "本街队0（梅岗社区）"
    assert client.get(reverse("pick_teams"), {"need": "edit", "page": 2}).json()["more"] is False
    assert client.get(reverse("pick_teams"), {"q": "外街"}).json()["results"] == []
    assert [r["text"] for r in client.get(reverse("pick_teams"), {"q": "本街队24"}).json()["results"]] == [
        "本街队24（梅岗社区）"
    ]
    assert client_for(people.nobody).get(reverse("pick_teams")).status_code == 403
