"""The demo data of the grids app, one seeder per topic, run in this order: the Futian tree, the
demo staff accounts on it, then Party members with their reports, service posts and claims, 梅岗社区's organisational life
(meetings, dues, transfers), then a year of residents' demands."""

from django.contrib.auth import get_user_model

from ..models import Unit
from . import accounts, demands, dues, meetings, members, transfers, tree

SEEDERS = [tree.seed, accounts.seed, members.seed, meetings.seed, dues.seed, transfers.seed, demands.seed]


def foreign_data():
    """What in the database is not demo data: accounts other than the demo accounts, units outside
    the demo district. Everything else of every app hangs on the units."""
    found = []
    demo_names = [username for username, _unit, _role in accounts.DEMO_ACCOUNTS]
    others = get_user_model().objects.exclude(username__in=demo_names).order_by("username")
    if others.exists():
        names = ", ".join(others.values_list("username", flat=True)[:5])
        found.append(f"{others.count()} account(s) that are not demo accounts ({names})")
    roots = Unit.objects.filter(parent__isnull=True).exclude(name=tree.DISTRICT).order_by("name")
    if roots.exists():
        found.append(f"units outside the demo district ({', '.join(roots.values_list('name', flat=True)[:5])})")
    return found


def seed(stdout=None):
    for seeder in SEEDERS:
        seeder(stdout=stdout)
