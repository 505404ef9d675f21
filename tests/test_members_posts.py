"""Service posts: capacity under races (PostgreSQL), the open stats section, the demo members."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from grids.demo import members as demo_members
from grids.models import Category, MeetingKind, Member, PostClaim, Report, ServicePost
from grids.services.posts import PostFull, claim_post
from portal.core.personal import validate_id_card
from tests.factory import make_tree
from tests.factory_members import make_claim, make_member, make_post, make_report


def test_a_full_post_refuses_further_claims(tree):
    post = make_post(tree.building1, capacity=2)
    first, second, third = (make_member(tree.grid1, name) for name in ("甲", "乙", "丙"))
    claim_post(post=post, member=first, by=None)
    claim_post(post=post, member=second, by=None)
    with pytest.raises(PostFull):
        claim_post(post=post, member=third, by=None)
    assert post.claims.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_claims_racing_for_the_last_place():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks (SELECT ... FOR UPDATE) seen by two connections")
    tree = make_tree()
    post = make_post(tree.building1, capacity=1)
    members = [make_member(tree.grid1, "甲"), make_member(tree.grid1, "乙")]
    barrier = threading.Barrier(2)
    outcomes = []
    original_count = PostClaim.objects.none().count.__func__

    def slow_count(queryset):
        # Widen the window between counting and inserting: without the row lock both
        # threads would count 0 here and both would insert.
        n = original_count(queryset)
        threading.Event().wait(0.3)
        return n

    def claim(member):
        try:
            barrier.wait(timeout=10)
            claim_post(post=post, member=member, by=None, claimed_on=date(2025, 1, 1))
            outcomes.append("claimed")
        except PostFull:
            outcomes.append("full")
        finally:
            connection.close()

    from unittest import mock

    with mock.patch("django.db.models.query.QuerySet.count", slow_count):
        threads = [threading.Thread(target=claim, args=(member,)) for member in members]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(outcomes) == ["claimed", "full"]
    assert PostClaim.objects.filter(post=post).count() == 1


def test_open_stats_has_member_counts_only(client, tree):
    registered = make_member(tree.grid1, "在册甲")
    in_service = make_member(tree.building1, "在职乙", category=Category.IN_SERVICE)
    make_member(tree.grid2, "流动丙", category=Category.MOBILE)
    make_report(in_service, tree.building1)
    post = make_post(tree.building1)
    make_post(tree.community2, "关爱帮扶")
    make_claim(post, registered)
    data = client.get(reverse("open_stats")).json()
    assert data["members"] == {
        "total": 3,
        "by_category": {"registered": 1, "in_service": 1, "mobile": 1},
        "reported": 1,
        "posts": 2,
        "posts_claimed": 1,
        # Organisational life as counts of meetings held (tests/test_open_data.py has some).
        "organisational_life": {
            "meetings_held": 0,
            "meetings_held_by_kind": dict.fromkeys(MeetingKind.values, 0),
        },
    }
    huafu = client.get(reverse("open_stats"), {"unit": tree.street1.pk}).json()["members"]
    assert huafu["total"] == 2 and huafu["posts"] == 1 and huafu["by_category"]["mobile"] == 0
    body = client.get(reverse("open_stats")).content.decode()
    assert "在册甲" not in body and registered.reveal_id_card() not in body


def test_demo_members_on_every_community(tree):
    demo_members.seed()
    for community in (tree.community1, tree.community2):
        members = Member.objects.under(community)
        assert 24 <= members.count() <= 40
        assert set(members.values_list("category", flat=True)) == set(Category.values)
    numbers = [member.reveal_id_card() for member in Member.objects.all()]
    assert all(validate_id_card(number) == number and number.startswith("99") for number in numbers)
    assert Report.objects.exists() and ServicePost.objects.exists() and PostClaim.objects.exists()
    for post in ServicePost.objects.with_claimed():
        assert post.n_claimed <= post.capacity
    count = Member.objects.count()
    demo_members.seed()  # idempotent
    assert Member.objects.count() == count
