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
