"""Demo function rooms: a handful per center, with office space within 10% except a few."""

from decimal import Decimal

from ..models import Room, RoomKind


def add_rooms(rng, center, *, breaking):
    spaces = [
        (RoomKind.HALL, "多功能厅", rng.choice([120, 150, 200]), 80),
        (RoomKind.MEETING, "会议室", rng.choice([40, 60]), 20),
        (RoomKind.READING, "书吧", rng.choice([30, 50]), 15),
        (RoomKind.AFTER_SCHOOL, "430学堂", rng.choice([40, 60]), 25),
        (RoomKind.CANTEEN, "长者食堂", rng.choice([60, 80]), 40),
        (RoomKind.MEMBERS_HOME, "党员之家", rng.choice([30, 40]), 20),
    ]
    spaces = rng.sample(spaces, rng.randint(3, 6))
    total = sum(area for _k, _n, area, _c in spaces)
    # Office ≤ 10% of all function rooms (001): a few demo centers deliberately break it.
    office = round(total * (0.25 if breaking else rng.uniform(0.04, 0.09)))
    spaces.append((RoomKind.OFFICE, "办公室", max(office, 8), None))
    Room.objects.bulk_create(
        Room(center=center, kind=kind, name=name, area=Decimal(area), capacity=capacity)
        for kind, name, area, capacity in spaces
    )
