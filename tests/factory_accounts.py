"""Staff accounts for the account-management tests and the permission matrix.

The matrix makes each URL keyword's record separately: account_pk and assignment_pk must name
the same account, so these makers get-or-create one account per place."""

from django.contrib.auth import get_user_model

from grids.models import Assignment, Role
from tests.factory import make_user


def account_in(unit, username=None, role=Role.STAFF):
    username = username or f"account_{unit.pk}"
    user = get_user_model().objects.filter(username=username).first()
    return user or make_user(username, unit, role)


def assignment_in(unit, username=None):
    return Assignment.objects.filter(user=account_in(unit, username)).first()


def sign_in(client, username, password, address="127.0.0.1"):
    """Log in through the login form, as a person does (django-axes watches that path; the
    test client's login() bypasses the request it needs). True when the login succeeded."""
    from django.urls import reverse

    response = client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.status_code == 302 and "_auth_user_id" in client.session


NEW_PASSWORD = "Fresh#Lotus-2026"


def choose_own_password(client, old_password, new_password=NEW_PASSWORD):
    """The first step after a login with a password set by a 管理员."""
    from django.urls import reverse

    data = {"old_password": old_password, "new_password1": new_password, "new_password2": new_password}
    response = client.post(reverse("password_change"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return new_password
