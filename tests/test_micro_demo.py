"""The demo: Futian's 2018 figures from shared/domain/000, exactly, through /open/stats.json."""

from collections import defaultdict

import pytest
from django.core.management import call_command
from django.urls import reverse

from projects.models.funds import FundCategory, FundLine, ProjectCap
from projects.models.micro import MicroProject, MicroStatus


@pytest.fixture
def seeded(db, settings):
    # How fast the demo seeds is a benchmark figure (README), not a timed test.
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_open_stats_for_2018_match_the_article(client, seeded):
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
    # The seeding (and its audit trail) fills Django's query log (9,000 entries), and a full log
    # counts nothing: start from an empty one.
    from django.db import reset_queries

    reset_queries()
    with django_assert_num_queries(4):
        assert client.get(reverse("micro_list"), {"year": "2018"}).status_code == 200
    response = client.get(reverse("micro_csv"), {"year": "2018"})
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count("\n") == 1298 + 1


def test_the_demo_obeys_the_money_path_rules(seeded):
    """Every demo project's dates in order and not ahead of today, paid by the right line;
    spending and milestones within implementation; hours within each activity's length."""
    from django.utils import timezone

    from grids.models import Unit
    from projects.models import ServiceRecord
    from projects.models.funds import Expenditure, SocialInvestment
    from projects.models.micro import MicroTransition, Milestone

    today = timezone.localdate()
    paths = dict(Unit.objects.values_list("pk", "path"))
    projects = {p.pk: p for p in MicroProject.objects.select_related("fund_line", "community")}
    assert len(projects) == 1766 + 21
    for p in projects.values():
        proposed = p.proposal_date()
        assert p.proposed_at <= timezone.now(), p.title
        if p.resolution_date:
            assert proposed <= p.resolution_date <= today, (p.title, proposed, p.resolution_date)
        if p.start_date:
            assert p.resolution_date <= p.start_date <= today, (p.title, p.resolution_date, p.start_date)
        if p.accepted_date:
            assert p.start_date <= p.accepted_date <= today, (p.title, p.start_date, p.accepted_date)
        if p.fund_line:
            line = p.fund_line
            assert line.category == FundCategory.MICRO and line.year == p.funding_year() == p.budget_year, p.title
            assert p.community.path.startswith(paths[line.unit_id]), p.title
    # The timeline, step by step in the order recorded: never back in time, never ahead.
    steps = defaultdict(list)
    for project_id, at in MicroTransition.objects.order_by("pk").values_list("project_id", "at"):
        steps[project_id].append(at)
    for project_id, ats in steps.items():
        p = projects[project_id]
        assert ats == sorted(ats) and p.proposed_at == ats[0] and ats[-1] <= timezone.now(), p.title
    for model in (Expenditure, Milestone):
        for project_id, day in model.objects.values_list("project_id", "date"):
            p = projects[project_id]
            assert p.start_date <= day <= today, (model.__name__, p.title, p.start_date, day)
            if model is Milestone and p.accepted_date:
                assert day <= p.accepted_date
    for project_id, day in SocialInvestment.objects.values_list("project_id", "date"):
        assert projects[project_id].proposal_date() <= day <= today
    records = ServiceRecord.objects.select_related("activity")
    assert records.exists()
    for record in records:
        assert record.activity.starts_at <= timezone.now()
        assert record.hours <= record.activity.length_hours() or record.extra_hours_reason
