"""Demo data of the projects app (deterministic and idempotent), one seeder module per part:
volunteering.py (service projects, teams, volunteers, activities, hours), then micro.py
(民生微实事 with their fund lines, caps and spending)."""

from . import micro, volunteering


def seed(stdout=None):
    volunteering.seed(stdout=stdout)
    micro.seed(stdout=stdout)
