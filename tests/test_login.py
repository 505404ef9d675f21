"""Login protection (issue 16, section 1): lockout by django-axes, the 管理员's locked-accounts
page, the MLPS 2.0 password rules in Chinese, and the first-login password change."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grids.models import AccountAction, AccountEvent, Role, StaffProfile
from grids.services import accounts as account_services
from tests.factory import PASSWORD, make_user
from tests.factory_accounts import NEW_PASSWORD, choose_own_password, sign_in

User = get_user_model()
LOCKED_TEXT = "登录失败次数过多"


def _try(client, username, password, address="10.0.0.1", url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def street_admin(tree):
    return make_user("huafu_admin", tree.street1, Role.ADMIN)


def _age_attempts(minutes):
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


def test_the_fifth_failure_locks_the_username_for_15_minutes(people, client):
    for _attempt in range(4):
        response = _try(client, "huafu", "wrong-password")
        assert response.status_code == 200
        assert "请输入一个正确的用户名和密码" in response.content.decode()
    response = _try(client, "huafu", "wrong-password")
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode() and "15 分钟" in response.content.decode()
    # Locked: the right password is refused too, from this address and from any other.
    assert _try(client, "huafu", PASSWORD).status_code == 429
    assert _try(client, "huafu", PASSWORD, address="10.9.9.9").status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked.
    assert sign_in(client, "lianhua", PASSWORD, address="10.0.0.1")
    client.logout()
    # Every failure is on record, the ones that locked marked so.
    failures = AccessFailureLog.objects.filter(username="huafu")
    assert failures.count() == 7
    assert failures.filter(locked_out=True).count() == 3
    assert AccessLog.objects.filter(username="lianhua").count() == 1
    # 15 minutes after the last failure the lock is over.
    _age_attempts(14)
    assert _try(client, "huafu", PASSWORD).status_code == 429
    _age_attempts(16)
    assert sign_in(client, "huafu", PASSWORD)


def test_the_admin_login_is_locked_the_same_way(people, client):
    url = reverse("admin:login")
    for _attempt in range(4):
        assert _try(client, "root", "wrong", url=url).status_code == 200
    assert _try(client, "root", "wrong", url=url).status_code == 429
    assert _try(client, "root", PASSWORD, url=url).status_code == 429


def test_many_failures_from_one_address_lock_that_address(people, client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    # Password spraying: few tries per username, many from one address.
    for username in ["huafu", "lianhua", "meigang", "viewer"]:
        for _attempt in range(2):
            _try(client, username, "Spray#2026", address="10.0.0.66")
    response = _try(client, "district_admin", PASSWORD, address="10.0.0.66")
    assert response.status_code == 429 and LOCKED_TEXT in response.content.decode()
    # The accounts themselves are not locked: from another address they sign in.
    assert sign_in(client, "district_admin", PASSWORD, address="10.0.0.67")
    client.logout()
    assert sign_in(client, "huafu", PASSWORD, address="10.0.0.67")


def test_a_successful_login_below_the_limit_is_not_refused(people, client):
    for _attempt in range(4):
        _try(client, "meigang", "wrong")
    assert sign_in(client, "meigang", PASSWORD, address="10.0.0.1")


# --- The 管理员's view of locked accounts ----------------------------------------------------


def _lock(username, address="10.0.0.1"):
    client = Client()  # not the manager's: a stranger at the login form
    for _attempt in range(5):
        _try(client, username, "wrong", address=address)


def test_the_manager_sees_the_locked_accounts_of_their_scope_and_unlocks_one(tree, people, client_for, street_admin):
    _lock("meigang")  # 梅岗社区, inside 华富街道
    _lock("lianhua")  # 莲花街道, outside
    _try(Client(), "huafu", "wrong")  # one failure: not locked
    admin = client_for(street_admin)
    response = admin.get(reverse("account_locked_list"))
    assert response.status_code == 200
    assert [account.username for account in response.context["accounts"]] == ["meigang"]
    body = response.content.decode()
    assert "meigang" in body and "lianhua" not in body
    assert response.context["accounts"][0].failures == 5
    detail = admin.get(reverse("account_detail", args=[people.meigang.pk])).content.decode()
    assert "登录失败被锁定" in detail and reverse("account_unlock", args=[people.meigang.pk]) in detail

    response = admin.post(reverse("account_unlock", args=[people.meigang.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("account_locked_list")
    event = AccountEvent.objects.get(account=people.meigang)
    assert (event.actor, event.action) == (street_admin, AccountAction.UNLOCKED)
    assert admin.get(reverse("account_locked_list")).context["accounts"] == []
    assert sign_in(Client(), "meigang", PASSWORD)
    # lianhua stays locked: not in the 华富 管理员's scope, so not theirs to unlock (404).
    assert admin.post(reverse("account_unlock", args=[people.lianhua.pk])).status_code == 404
    assert _try(Client(), "lianhua", PASSWORD).status_code == 429
    # The district 管理员 sees it and may unlock it.
    district = client_for(people.district_admin)
    assert [a.username for a in district.get(reverse("account_locked_list")).context["accounts"]] == ["lianhua"]


def test_only_managers_open_the_locked_accounts_page(people, client_for):
    _lock("meigang")
    assert client_for(people.huafu).get(reverse("account_locked_list")).status_code == 403
    assert client_for(people.viewer).post(reverse("account_unlock", args=[people.meigang.pk])).status_code == 403
    assert AccessAttempt.objects.filter(username="meigang").exists()


def test_a_lock_that_expired_is_not_listed(people, client_for):
    _lock("meigang")
    _age_attempts(16)
    assert client_for(people.district_admin).get(reverse("account_locked_list")).context["accounts"] == []


def test_the_locked_list_makes_a_constant_number_of_queries(tree, people, client_for, django_assert_max_num_queries):
    admin = client_for(people.district_admin)
    _lock("meigang")
    admin.get(reverse("account_locked_list"))
    with django_assert_max_num_queries(4) as few:  # session, user with profile, scope, the list
        admin.get(reverse("account_locked_list"))
    count = len(few.captured_queries)  # read now: every request clears the query log
    for username in ["huafu", "lianhua", "viewer"]:
        _lock(username)
    with django_assert_max_num_queries(count):
        response = admin.get(reverse("account_locked_list"))
    assert len(response.context["accounts"]) == 4


# --- Password rules (MLPS 2.0 level 3), in Chinese -------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!xyz", "密码太短，至少需要 8 个字符。"),
        ("abcdefgh1", "至少包含以下四类字符中的 3 类：大写字母、小写字母、数字、符号。"),
        ("ABCDEFGH!", "至少包含以下四类字符中的 3 类：大写字母、小写字母、数字、符号。"),
        ("Meigang2026", "密码与用户名太相似。"),
        ("Password123", "这个密码太常见，请换一个。"),
        (PASSWORD, "新密码不能与当前密码相同。"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password, message, people, client_for):
    client = client_for(people.meigang)
    data = {"old_password": PASSWORD, "new_password1": password, "new_password2": password}
    response = client.post(reverse("password_change"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert message in errors, errors
    assert not any(ch.isascii() and ch.isalpha() for error in errors for ch in error.replace("%", "")), errors
    assert User.objects.get(pk=people.meigang.pk).check_password(PASSWORD)


def test_a_strong_password_passes_and_the_rules_are_explained(people, client_for):
    client = client_for(people.meigang)
    page = client.get(reverse("password_change")).content.decode()
    assert "至少 8 个字符" in page and "大写字母、小写字母、数字、符号" in page
    choose_own_password(client, PASSWORD)
    assert User.objects.get(pk=people.meigang.pk).check_password(NEW_PASSWORD)


def test_the_manager_pages_apply_the_same_rules(people, client_for, street_admin):
    url = reverse("account_password", args=[people.meigang.pk])
    response = client_for(street_admin).post(url, {"password1": "abcdefgh1", "password2": "abcdefgh1"})
    assert "至少包含以下四类字符中的 3 类" in " ".join(response.context["form"].errors["password1"])


def test_generated_passwords_follow_the_rules():
    from django.contrib.auth.password_validation import validate_password

    for _attempt in range(200):
        validate_password(account_services.generate_password())


# --- Set your own password at the first login ------------------------------------------------


def test_an_account_created_by_a_manager_sets_its_own_password_first(tree, people, client, street_admin):
    account, password = account_services.create_account(
        by=street_admin, username="wangwu", full_name="王五", unit=tree.community1, role=Role.STAFF
    )
    assert account.staff_profile.must_change_password
    assert sign_in(client, "wangwu", password)
    for url in [reverse("staff_home"), reverse("unit_list"), reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("password_change"), url
    assert "请先设置您自己的密码" in client.get(reverse("password_change")).content.decode()
    choose_own_password(client, password)
    assert not StaffProfile.objects.get(user=account).must_change_password
    assert client.get(reverse("staff_home")).status_code == 200


def test_a_password_reset_by_a_manager_must_be_changed_again(people, client, street_admin):
    password = account_services.reset_password(by=street_admin, account=people.meigang)
    assert sign_in(client, "meigang", password)
    assert client.get(reverse("staff_home"))["Location"] == reverse("password_change")
    # Logging out still works.
    assert client.post(reverse("logout")).status_code == 302


def test_demo_and_own_accounts_are_not_asked(people, client):
    assert sign_in(client, "huafu", PASSWORD)
    assert client.get(reverse("staff_home")).status_code == 200


def test_the_unlock_service_checks_the_manager_itself(people, street_admin):
    from django.core.exceptions import ValidationError

    _lock("lianhua")
    with pytest.raises(ValidationError):
        account_services.unlock(by=street_admin, account=people.lianhua)  # another street
    with pytest.raises(ValidationError):
        account_services.unlock(by=people.huafu, account=people.meigang)  # a 工作人员, not a 管理员
    assert account_services.is_locked(people.lianhua)
    assert account_services.unlock(by=people.district_admin, account=people.lianhua)
    assert not account_services.is_locked(people.lianhua)
