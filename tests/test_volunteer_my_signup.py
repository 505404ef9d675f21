"""我的报名 (issue 13): a resident finds a sign-up with the mobile and the short sign-up code shown
at sign-up, sees activity, time, place and status, and cancels it from there."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from projects.models import Signup
from projects.models.activities import SIGNUP_CODE_ALPHABET, hash_signup_code, normalise_signup_code
from projects.services import activities as services
from tests.factory_volunteer import make_activity, make_project

MOBILE = "13800138000"
NEUTRAL = "No sign-up matches this mobile number and code. Please check both."


@pytest.fixture
def activity(tree):
    return make_activity(make_project(tree.community1, "梅岗先锋使者在行动"), title="楼栋政策宣讲", capacity=5)


def _sign_up(activity, mobile=MOBILE):
    signup, _token = services.sign_up(activity_id=activity.pk, name="李四", mobile=mobile)
    return signup, signup.code


def _find(client, mobile, code):
    return client.post(reverse("volunteer_mine"), {"mobile": mobile, "code": code})


def _neutral():
    with override("zh-hans"):
        return gettext(NEUTRAL)


def test_the_code_is_shown_at_sign_up_and_only_its_keyed_hash_is_stored(client, activity):
    response = client.post(reverse("volunteer_activity", args=[activity.pk]), {"name": "李四", "mobile": MOBILE})
    assert response.status_code == 200
    shown = response.context["code"]
    code = shown.replace(" ", "")
    assert len(code) == 8 and set(code) <= set(SIGNUP_CODE_ALPHABET)
    page = response.content.decode()
    assert f'<span id="signup-code" class="fs-4 font-monospace">{shown}</span>' in page
    assert reverse("volunteer_mine") in page
    signup = Signup.objects.get()
    assert signup.code_hash == hash_signup_code(code) and code not in signup.code_hash
    # Keyed: the plain SHA-256 of the code (what anyone could compute for all 31**8 codes) differs.
    import hashlib

    assert signup.code_hash != hashlib.sha256(code.encode()).hexdigest()


def test_codes_differ_between_sign_ups(activity):
    codes = {_sign_up(activity, mobile=f"1391234567{i}")[1] for i in range(5)}
    assert len(codes) == 5


def test_the_volunteer_index_links_to_my_sign_ups(client, activity):
    assert reverse("volunteer_mine") in client.get(reverse("volunteer_index")).content.decode()


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{a} {b}", "{a}-{b}", " {a} - {b} "])
def test_mobile_and_code_find_the_sign_up_as_typed(client, activity, typed):
    signup, code = _sign_up(activity)
    entry = typed.format(code=code, lower=code.lower(), a=code[:4], b=code[4:])
    response = _find(client, "138 0013 8000", entry)
    assert response.status_code == 302 and response["Location"] == reverse("volunteer_mine")
    page = client.get(reverse("volunteer_mine"))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert page.context["signup"] == signup
    html = page.content.decode()
    assert "楼栋政策宣讲" in html and "梅岗社区党群服务中心" in html
    assert timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M") in html
    with override("zh-hans"):
        assert f'<dd class="col-sm-9" id="signup-status">{gettext("Signed up")}</dd>' in html
    assert MOBILE not in html and code not in html  # nothing personal echoed


def test_wrong_mobile_or_code_gets_one_neutral_message(client, activity, tree):
    _signup, code = _sign_up(activity)
    other_code = next(c for c in ("AAAAAAAA", "BBBBBBBB") if c != code)
    other_activity = make_activity(make_project(tree.community2))
    _s, code_of_other_mobile = _sign_up(other_activity, mobile="13912345678")
    answers = [
        _find(client, "13912345670", code),  # a mobile that never signed up
        _find(client, MOBILE, other_code),  # the right mobile, a wrong code
        _find(client, MOBILE, code_of_other_mobile),  # someone else's code
        _find(client, "12345", code),  # not a mobile at all
        _find(client, MOBILE, "不是报名码"),  # not a code at all
    ]
    for response in answers:
        assert response.status_code == 400
        assert response.context["form"].non_field_errors() == [_neutral()]
        assert response.context["signup"] is None
        assert response["Cache-Control"] == "no-store"
    assert "my_signup" not in client.session
    # A sign-up found before is not shown under the message for a wrong code.
    _find(client, MOBILE, code)
    response = _find(client, MOBILE, other_code)
    assert response.status_code == 400 and response.context["signup"] is None
    assert "my_signup" not in client.session


def test_cancel_from_my_sign_ups(client, activity):
    signup, code = _sign_up(activity)
    _find(client, MOBILE, code)
    assert 'name="cancel"' in client.get(reverse("volunteer_mine")).content.decode()
    response = client.post(reverse("volunteer_mine"), {"cancel": "1"})
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.cancelled_at is not None
    page = client.get(reverse("volunteer_mine"))
    with override("zh-hans"):
        assert f'id="signup-status">{gettext("Cancelled")}</dd>' in page.content.decode()
    assert 'name="cancel"' not in page.content.decode()
    # The place is free again: the same mobile may sign up again.
    assert services.sign_up(activity_id=activity.pk, name="李四", mobile=MOBILE)[0].pk != signup.pk


def test_no_cancelling_once_the_activity_has_started(client, activity):
    signup, code = _sign_up(activity)
    _find(client, MOBILE, code)
    Signup.objects.filter(pk=signup.pk).update(created_at=timezone.now() - timedelta(days=2))
    activity.signup_deadline = timezone.now() - timedelta(hours=2)
    activity.starts_at = timezone.now() - timedelta(hours=1)
    activity.save()
    page = client.get(reverse("volunteer_mine"))
    assert 'name="cancel"' not in page.content.decode()
    response = client.post(reverse("volunteer_mine"), {"cancel": "1"})
    assert response.status_code == 400
    with override("zh-hans"):
        assert response.context["error"] == gettext(
            "The activity has already started; it can no longer be cancelled here."
        )
    signup.refresh_from_db()
    assert signup.cancelled_at is None


def test_cancel_needs_a_sign_up_found_in_this_session(client, activity):
    signup, _code = _sign_up(activity)
    response = client.post(reverse("volunteer_mine"), {"cancel": "1", "mobile": MOBILE})
    assert response.status_code == 400
    signup.refresh_from_db()
    assert signup.cancelled_at is None


def test_a_sign_up_found_is_kept_for_half_an_hour_only(client, activity):
    _signup, code = _sign_up(activity)
    _find(client, MOBILE, code)
    session = client.session
    session["my_signup"] = {**session["my_signup"], "at": session["my_signup"]["at"] - 31 * 60}
    session.save()
    assert client.get(reverse("volunteer_mine")).context["signup"] is None


def test_posts_need_the_csrf_token(activity):
    _signup, code = _sign_up(activity)
    client = Client(enforce_csrf_checks=True)
    assert _find(client, MOBILE, code).status_code == 403
    assert "my_signup" not in client.session


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "lookup": "2/h", "cancel": "2/h"}


def test_lookups_are_rate_limited(client, activity, limits):
    _signup, code = _sign_up(activity)
    assert _find(client, MOBILE, "AAAAAAAA" if code != "AAAAAAAA" else "BBBBBBBB").status_code == 400
    assert _find(client, MOBILE, "CCCCCCCC" if code != "CCCCCCCC" else "DDDDDDDD").status_code == 400
    # The third guess is refused before the code is looked at, even the right one.
    assert _find(client, MOBILE, code).status_code == 429
    assert client.get(reverse("volunteer_mine")).status_code == 200  # the empty form is not a guess


def test_normalise_signup_code():
    assert normalise_signup_code("abcd-efgh") == "ABCDEFGH"
    assert normalise_signup_code("ABCD EFGH") == "ABCDEFGH"
    for bad in ["", "ABCDEFG", "ABCDEFGHJ", "ABCDEFG0", "ABCDEFGI", "ＡＢＣＤＥＦＧＨ", "ABCD\x00EFGH"]:
        assert normalise_signup_code(bad) == ""
