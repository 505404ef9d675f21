"""Demo data of the centers app: seed() runs the topic seeders in order.

Only centers.py is a seeder: it gives each center its hours (hours.py) and rooms (rooms.py) as
it creates it, so that the one fixed random sequence, and with it the demo, stays as it was.
bookings.py then books rooms for 梅岗社区's recent and planned meetings (grids' demo comes first).
"""

from . import bookings, centers


def seed(stdout=None):
    centers.seed(stdout=stdout)
    bookings.seed(stdout=stdout)
