"""The demo data of the grids app, one seeder per topic, run in this order: the Futian tree, the
demo staff accounts on it, then Party members with their reports, service posts and claims."""

from . import accounts, members, tree

SEEDERS = [tree.seed, accounts.seed, members.seed]


def seed(stdout=None):
    for seeder in SEEDERS:
        seeder(stdout=stdout)
