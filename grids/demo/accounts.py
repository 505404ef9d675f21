"""Demo staff accounts on the demo tree: a superuser and one account each at the district, two
streets and a community, all with the password DEMO_PASSWORD."""

from django.contrib.auth import get_user_model
from django.db import transaction

from ..models import Assignment, Role, Unit
from .tree import DISTRICT

DEMO_PASSWORD = "Demo@2026"

DEMO_ACCOUNTS = [
    # username, unit name (None: superuser), role
    ("admin", None, None),
    ("futian", DISTRICT, Role.ADMIN),
    ("huafu", "华富街道", Role.STAFF),
    ("lianhua", "莲花街道", Role.STAFF),
    ("meigang", "梅岗社区", Role.STAFF),
]


def seed_accounts():
    User = get_user_model()
    for username, unit_name, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_superuser = unit_name is None
            user.save()
        if unit_name:
            unit = Unit.objects.get(name=unit_name)
            Assignment.objects.get_or_create(user=user, unit=unit, defaults={"role": role})


@transaction.atomic
def seed(stdout=None):
    """Create the accounts that are missing; existing ones are left as they are."""
    seed_accounts()
