"""The demo shows 我的报名 (/volunteer/mine/): the seeder keeps one sign-up with the code README
publishes on an activity still to come, so the page finds it and offers cancellation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grids.demo import tree
from projects.demo import volunteering
from projects.demo.volunteering import DEMO_SIGNUP_CODE, DEMO_SIGNUP_MOBILE
from projects.models import Activity, Signup
from projects.models.activities import hash_signup_code

pytestmark = pytest.mark.django_db


def _demo_signups():
    return Signup.objects.filter(code_hash=hash_signup_code(DEMO_SIGNUP_CODE)).select_related("activity")


def test_the_published_code_finds_a_sign_up_still_to_come(client):
    tree.seed()
    volunteering.seed()
    volunteering.seed()  # idempotent: still one
    (signup,) = _demo_signups()
    assert signup.activity.starts_at > timezone.now() and signup.cancelled_at is None
    response = client.post(reverse("volunteer_mine"), {"mobile": DEMO_SIGNUP_MOBILE, "code": DEMO_SIGNUP_CODE.lower()})
    assert response.status_code == 302
    page = client.get(reverse("volunteer_mine")).content.decode()
    assert 'id="my-signup"' in page and signup.activity.title in page


def test_a_later_run_moves_it_to_the_next_activity_once_it_started():
    tree.seed()
    volunteering.seed()
    (signup,) = _demo_signups()
    now = timezone.now()
    Activity.objects.filter(pk=signup.activity_id).update(
        starts_at=now - timedelta(hours=1), signup_deadline=now - timedelta(hours=2)
    )
    volunteering.seed()
    (moved,) = _demo_signups()
    assert moved.pk == signup.pk and moved.activity_id != signup.activity_id
    assert moved.activity.starts_at > timezone.now()
