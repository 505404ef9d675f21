"""Staff sessions (issue 16, section 1): 30 minutes idle, 12 hours at most, ended by a password
change or a deactivation; and the password reset by mail that says when it cannot send."""

import smtplib
import socket
import subprocess
import sys
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from grids.models import Role, StaffProfile
from grids.services import accounts as account_services
from portal import auth
from tests.factory import PASSWORD, make_user
from tests.factory_accounts import NEW_PASSWORD, choose_own_password, sign_in

User = get_user_model()


@pytest.fixture
def street_admin(tree):
    return make_user("huafu_admin", tree.street1, Role.ADMIN)


def _shift(client, key, seconds_ago):
    session = client.session
    session[key] = int(time.time()) - seconds_ago
    session.save()


def _logged_out(client, response):
    return (
        response.status_code == 302
        and response["Location"].startswith(reverse("login"))
        and ("_auth_user_id" not in client.session)
    )


def test_an_idle_session_ends_after_30_minutes(people, client_for):
    client = client_for(people.huafu)
    _shift(client, auth.SEEN_AT, 29 * 60)
    assert client.get(reverse("staff_home")).status_code == 200
    _shift(client, auth.SEEN_AT, 31 * 60)
    response = client.get(reverse("staff_home"))
    assert _logged_out(client, response)
    assert "30 分钟未操作" in client.get(response["Location"]).content.decode()


def test_the_idle_limit_is_a_setting(people, client_for, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    client = client_for(people.huafu)
    _shift(client, auth.SEEN_AT, 6 * 60)
    assert _logged_out(client, client.get(reverse("staff_home")))


def test_activity_keeps_the_session_and_12_hours_end_it_anyway(people, client_for):
    client = client_for(people.huafu)
    _shift(client, auth.SEEN_AT, 10 * 60)
    assert client.get(reverse("staff_home")).status_code == 200
    assert time.time() - client.session[auth.SEEN_AT] < 5  # the request counted as activity
    _shift(client, auth.LOGIN_AT, 11 * 3600 + 3500)
    assert client.get(reverse("staff_home")).status_code == 200
    _shift(client, auth.LOGIN_AT, 12 * 3600 + 1)
    response = client.get(reverse("staff_home"))
    assert _logged_out(client, response)
    assert "12 小时" in client.get(response["Location"]).content.decode()


def test_a_session_without_its_start_time_is_not_trusted(people, client_for):
    client = client_for(people.huafu)
    session = client.session
    del session[auth.LOGIN_AT]
    session.save()
    assert _logged_out(client, client.get(reverse("staff_home")))


def test_public_pages_need_no_session(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200 and not response.cookies.get("sessionid")


def test_changing_the_password_ends_the_other_sessions(people):
    laptop, phone = Client(), Client()
    assert sign_in(laptop, "meigang", PASSWORD) and sign_in(phone, "meigang", PASSWORD, address="10.1.1.1")
    choose_own_password(laptop, PASSWORD)
    assert laptop.get(reverse("staff_home")).status_code == 200
    assert _logged_out(phone, phone.get(reverse("staff_home")))


def test_a_reactivated_account_does_not_get_its_old_session_back(people, street_admin):
    old = Client()
    old.force_login(people.meigang)
    assert old.get(reverse("staff_home")).status_code == 200
    # Deactivated and reactivated before the old session made another request.
    account_services.set_active(by=street_admin, account=people.meigang, active=False)
    account_services.set_active(by=street_admin, account=people.meigang, active=True)
    response = old.get(reverse("staff_home"))
    assert _logged_out(old, response)
    assert "会话已结束" in old.get(response["Location"]).content.decode()
    # A new login works.
    assert sign_in(Client(), "meigang", PASSWORD)


def test_a_request_while_deactivated_drops_the_session_at_once(people, street_admin):
    old = Client()
    old.force_login(people.meigang)
    account_services.set_active(by=street_admin, account=people.meigang, active=False)
    StaffProfile.objects.filter(user=people.meigang).update(session_generation=0)  # only the flush is left
    assert old.get(reverse("staff_home")).status_code == 302
    account_services.set_active(by=street_admin, account=people.meigang, active=True)
    StaffProfile.objects.filter(user=people.meigang).update(session_generation=0)
    assert old.get(reverse("staff_home")).status_code == 302


def test_a_password_reset_by_a_manager_ends_the_sessions(people, street_admin):
    old = Client()
    old.force_login(people.meigang)
    account_services.reset_password(by=street_admin, account=people.meigang)
    assert _logged_out(old, old.get(reverse("staff_home")))


def test_the_session_checks_cost_no_query(people, client_for, settings, django_assert_max_num_queries):
    client = client_for(people.huafu)
    url = reverse("unit_list")
    client.get(url)
    with django_assert_max_num_queries(50) as checked:
        assert client.get(url).status_code == 200
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != "portal.middleware.StaffSessionMiddleware"]
    with django_assert_max_num_queries(50) as unchecked:
        assert client.get(url).status_code == 200
    assert len(checked.captured_queries) == len(unchecked.captured_queries)


# --- Password reset by mail ---------------------------------------------------------------


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FailingSendBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"no")})


@pytest.fixture
def mail_on(settings):
    settings.MAIL_CONFIGURED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def test_without_a_mail_server_the_page_says_so(people, client, settings):
    settings.MAIL_CONFIGURED = False
    people.meigang.email = "meigang@example.org"
    people.meigang.save()
    page = client.get(reverse("password_reset")).content.decode()
    assert "没有配置邮件服务器" in page and 'type="email"' not in page
    response = client.post(reverse("password_reset"), {"email": "meigang@example.org"})
    assert response.status_code == 200 and "没有配置邮件服务器" in response.content.decode()
    assert mail.outbox == []


def test_an_unreachable_mail_server_is_reported_whoever_asks(people, client, mail_on):
    mail_on.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    mail_on.EMAIL_HOST, mail_on.EMAIL_PORT, mail_on.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 2
    people.meigang.email = "meigang@example.org"
    people.meigang.save()
    for address in ["meigang@example.org", "nobody@example.org"]:
        response = client.post(reverse("password_reset"), {"email": address})
        assert response.status_code == 200
        assert "无法连接邮件服务器" in response.content.decode()


def test_a_send_that_fails_is_reported(people, client, mail_on):
    mail_on.EMAIL_BACKEND = "tests.test_sessions.FailingSendBackend"
    people.meigang.email = "meigang@example.org"
    people.meigang.save()
    response = client.post(reverse("password_reset"), {"email": "meigang@example.org"})
    assert response.status_code == 200 and "重置邮件未能发送" in response.content.decode()


def test_the_reset_mail_is_sent_and_its_link_sets_a_password(people, client, mail_on, street_admin):
    account_services.reset_password(by=street_admin, account=people.meigang)  # must change at next login
    people.meigang.email = "meigang@example.org"
    people.meigang.save()
    response = client.post(reverse("password_reset"), {"email": "meigang@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["meigang@example.org"]
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/reset/" in line)
    assert "meigang" in body and "新密码" in mail.outbox[0].subject
    form_url = client.get(link.replace("http://testserver", ""))["Location"]
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(form_url, data).status_code == 302
    assert User.objects.get(pk=people.meigang.pk).check_password(NEW_PASSWORD)
    assert not StaffProfile.objects.get(user=people.meigang).must_change_password
    # An unknown address gets the same answer and no mail.
    client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert len(mail.outbox) == 1


def _settings_in_subprocess(env, expression):
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_email_url_configures_the_mail_server(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k not in {"EMAIL_HOST", "PYTEST_VERSION"}}
    env |= {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    env["EMAIL_URL"] = "smtp+tls://portal%40example.org:s%3Acret@mail.example.org:2525"
    fields = (
        "EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL, MAIL_CONFIGURED"
    )
    result = _settings_in_subprocess(env, f"[settings.{', settings.'.join(fields.split(', '))}]")
    assert result.stdout.strip() == "['mail.example.org', 2525, 'portal@example.org', 's:cret', True, False, True]", (
        result.stderr
    )
    env["EMAIL_URL"] = "smtps://mail.example.org"
    result = _settings_in_subprocess(env, "(settings.EMAIL_PORT, settings.EMAIL_USE_SSL)")
    assert result.stdout.strip() == "(465, True)", result.stderr
    del env["EMAIL_URL"]
    result = _settings_in_subprocess(env, "settings.MAIL_CONFIGURED")
    assert result.stdout.strip() == "False", result.stderr


def test_the_user_admin_follows_the_same_rules(people):
    root = Client()
    root.force_login(people.superuser)
    url = reverse("admin:auth_user_password_change", args=[people.meigang.pk])
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    assert root.post(url, data).status_code == 302
    assert StaffProfile.objects.get(user=people.meigang).must_change_password
    # A deactivation in the admin ends the open sessions like one on the staff pages.
    old = Client()
    old.force_login(people.huafu)
    change = reverse("admin:auth_user_change", args=[people.huafu.pk])
    form = root.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data |= {"username": "huafu", "is_staff": "on", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"}
    data.pop("is_active", None)
    data.pop("password", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = root.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not User.objects.get(pk=people.huafu.pk).is_active
    User.objects.filter(pk=people.huafu.pk).update(is_active=True)
    assert _logged_out(old, old.get(reverse("staff_home")))
