"""The demo: Futian's 2018 figures from shared/domain/000, exactly, through /open/stats.json."""

import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from projects.models.funds import FundCategory, FundLine, ProjectCap
from projects.models.micro import MicroProject, MicroStatus


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    started = time.monotonic()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return time.monotonic() - started


def test_open_stats_for_2018_match_the_article(client, seeded):
    assert seeded < 30
    for params in ({"year": "2018"}, {"year": "2018", "unit": "440304"}):
        data = client.get(reverse("open_stats"), params).json()["micro_projects"]
        assert data["proposed"] == 1766
        assert data["approved"] == 1298
        assert data["spent"] == "145000000.00"
        assert data["social_investment"] == "5489600.00"
        assert data["in_progress"] + data["accepted"] == 1298
        assert data["rejected"] == 438


def test_2018_fund_lines_caps_and_dates(seeded):
    amounts = dict(FundLine.objects.filter(year=2018).values_list("category", "amount"))
    assert amounts[FundCategory.PARTY_INNOVATION] == 16_000_000
    assert amounts[FundCategory.COMMUNITY_ACTIVITY] == 22_990_000
    assert amounts[FundCategory.NEW_ORGANISATIONS] == 10_520_000
    assert amounts[FundCategory.PARTY_CARE] == 3_860_000
    assert amounts[FundCategory.MICRO] == 150_000_000
    line = FundLine.objects.with_left().get(year=2018, category=FundCategory.MICRO)
    assert line.left >= 0
    assert ProjectCap.objects.get(year=2016, category="services").max_amount == 200_000
    assert ProjectCap.objects.get(year=2016, category="works").max_amount == 400_000
    in_2018 = MicroProject.objects.proposed_in(2018)
    assert in_2018.filter(proposed_at__month__gte=10).count() == 0
    assert in_2018.values("community").distinct().count() == 95


def test_2026_has_a_project_in_every_state(seeded, client):
    states = set(MicroProject.objects.proposed_in(2026).values_list("status", flat=True))
    assert states == set(MicroStatus.values)
    data = client.get(reverse("open_stats"), {"year": "2026"}).json()["micro_projects"]
    assert data["proposed"] == MicroProject.objects.proposed_in(2026).count()


def test_seeding_twice_changes_nothing(seeded, settings):
    before = (MicroProject.objects.count(), FundLine.objects.count(), ProjectCap.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (MicroProject.objects.count(), FundLine.objects.count(), ProjectCap.objects.count()) == before


@pytest.mark.parametrize("year", ["abc", "18", "99999", "-1", "2018.5"])
def test_a_bad_year_is_a_clear_400(client, db, year):
    response = client.get(reverse("open_stats"), {"year": year})
    assert response.status_code == 400
    assert "年份" in response.json()["error"]


def test_public_pages_on_the_demo_stay_fast(client, seeded, django_assert_num_queries):
    with django_assert_num_queries(4):
        assert client.get(reverse("micro_list"), {"year": "2018"}).status_code == 200
    response = client.get(reverse("micro_csv"), {"year": "2018"})
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count("\n") == 1298 + 1
