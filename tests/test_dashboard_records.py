"""Drill-down to the records at every level (issue 12): every figure of every section leads to
records narrowed to the unit, down to a grid and a building group; the dashboards' own list of
the records (centers, volunteers, teams, service projects) holds exactly the records the figure
counts; the uncovered building groups are on a map beside their list."""

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import resolve, reverse

from centers.models import Center
from grids.models import Job, Unit
from portal.core.periods import Period
from portal.dashboards import build, find
from projects.models import ServiceProject, Volunteer, VolunteerTeam
from tests.factory_dashboard import grow

TODAY = date.today()
YEAR = Period.containing("year", TODAY)
COUNTED = {
    "centers.total": lambda unit: Center.objects.filter(owner__path__startswith=unit.path),
    "volunteering.projects": lambda unit: ServiceProject.objects.filter(unit__path__startswith=unit.path),
    "volunteering.volunteers": lambda unit: Volunteer.objects.filter(unit__path__startswith=unit.path),
    "volunteering.teams": lambda unit: VolunteerTeam.objects.filter(unit__path__startswith=unit.path),
}


@pytest.fixture
def grown(tree, people):
    grow(tree, 6)
    return tree


@pytest.mark.parametrize("level", ["district", "street1", "community1", "grid1", "building1"])
def test_every_records_link_is_narrowed_to_the_unit(grown, level):
    unit = getattr(grown, level)
    for section in build(unit, YEAR):
        for figure in section.figures:
            assert figure.records, figure.key
            url = figure.records(unit)
            match = resolve(urlsplit(url).path)
            query = parse_qs(urlsplit(url).query)
            # The unit is named, in the path or in a parameter, unless the list is the whole
            # district's (a district staffer's scope) or micro-projects, which hang on communities.
            names_unit = match.kwargs.get("unit_pk") == unit.pk or [str(unit.pk)] in query.values()
            assert names_unit or unit.level == 1 or figure.key.startswith("micro.") and unit.level > 3, (
                figure.key,
                url,
            )


@pytest.mark.parametrize("level", ["district", "street1", "community1", "grid1"])
@pytest.mark.parametrize("key", list(COUNTED))
def test_the_records_page_lists_what_the_figure_counts(grown, people, client_for, level, key):
    unit = getattr(grown, level)
    response = client_for(people.district_admin).get(reverse("dashboard_records", args=[unit.pk]), {"figure": key})
    assert response.status_code == 200
    expected = COUNTED[key](unit)
    assert response.context["total"] == expected.count() == find(build(unit, YEAR), key)[1].value
    names = {row[1] for row in response.context["rows"]}
    assert names == {getattr(record, "name", None) or record.title for record in expected}
    if level == "district":
        assert expected.count() > 1


def test_a_street_staffer_sees_only_the_records_of_the_street(grown, people, client_for):
    client = client_for(people.huafu)
    url = reverse("dashboard_records", args=[grown.street1.pk])
    response = client.get(url, {"figure": "volunteering.projects"})
    assert response.status_code == 200
    assert {row[2] for row in response.context["rows"]} <= {
        u.name for u in Unit.objects.filter(path__startswith=grown.street1.path)
    }
    assert client.get(reverse("dashboard_records", args=[grown.street2.pk])).status_code == 404


def test_a_figure_whose_records_have_a_list_of_their_own_is_refused(grown, people, client_for):
    client = client_for(people.district_admin)
    url = reverse("dashboard_records", args=[grown.district.pk])
    assert client.get(url, {"figure": "members.total"}).status_code == 400
    assert client.get(url, {"figure": "nothing.here"}).status_code == 400


def test_the_uncovered_building_groups_are_on_a_map_beside_their_list(grown, people, client_for):
    from grids.services.jobs import start_job

    start_job("coverage", user=people.district_admin, unit=grown.district, title="1 km")
    job = Job.objects.get(kind="coverage")
    far = [
        {
            "unit": "11栋",
            "community": grown.community1.name,
            "center": "",
            "distance_m": 1800.0,
            "lat": 22.55,
            "lng": 114.06,
        },
        {
            "unit": "12栋",
            "community": grown.community2.name,
            "center": "",
            "distance_m": 1200.0,
            "lat": 22.56,
            "lng": 114.07,
        },
    ]
    job.result = job.result | {"uncovered": far}
    job.save()
    client = client_for(people.huafu)
    response = client.get(reverse("dashboard", args=[grown.street1.pk]))
    config = json.loads(
        response.content.decode().split('id="dashboard-map-config" type="application/json">')[1].split("<")[0]
    )
    # The street's own uncovered building group only, as in the list beside the map.
    assert [(m["lat"], m["lng"], m["uncovered"]) for m in config["markers"]] == [(22.55, 114.06, True)]
    centers = find(response.context["sections"], "centers.total")[0]
    assert [row[1] for row in centers.tables[0][2]] == ["11栋"]
    district = client_for(people.district_admin).get(reverse("dashboard", args=[grown.district.pk]))
    assert len(district.context["map"]["markers"]) == 2
    # No analysis, no map.
    Job.objects.all().delete()
    from portal.core import pagecache

    pagecache.bump("grids.job")
    assert client.get(reverse("dashboard", args=[grown.street1.pk])).context["map"] is None
