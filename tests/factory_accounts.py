"""Staff accounts for the account-management tests: one account per place, made on first use."""

from django.contrib.auth import get_user_model

from grids.models import Role
from tests.factory import make_user


def account_in(unit, username=None, role=Role.STAFF):
    username = username or f"account_{unit.pk}"
    user = get_user_model().objects.filter(username=username).first()
    return user or make_user(username, unit, role)
