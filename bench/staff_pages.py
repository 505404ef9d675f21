"""Staff pages of issue 15 at a district's size and ten times it: queries, time, HTML bytes.

    python bench/staff_pages.py --factor 1          # 1,112 building groups, 10,000 members, ...
    python bench/staff_pages.py --factor 10         # 11,120 building groups, 100,000 members, ...
    python bench/staff_pages.py --factor 1 --root /path/to/another/checkout   # the same on main

Builds its own SQLite (or, with --database-url, PostgreSQL) database whose name must contain
"bench", with bulk inserts from a fixed seed: 10 streets, 95 communities with a grid each,
1,112×N building groups spread over a 13 km square, 116×N operating centers, 10,000×N Party
members, 67×N volunteer teams of 2,000×N volunteers with 10,000×N service records. Then, as a
district admin through Django's test client, each page once to warm up and once measured.
Not a test, and not seed_scale (h15a's generator for the whole portal): a fixture for these pages.
"""

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--members", type=int, default=None, help="Party members (default 10,000 × factor)")
    parser.add_argument("--only", nargs="*", default=(), help="measure only the lines containing one of these")
    parser.add_argument("--once", action="store_true", help="no warm-up run (for pages that take minutes)")
    return parser.parse_args()


def setup(args):
    sys.path.insert(0, args.root)
    url = (
        args.database_url
        or f"sqlite:////tmp/portal_staff_bench_{Path(args.root).name}_{args.factor}_{args.members}.sqlite3"
    )
    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("Refusing: the benchmark database name must contain 'bench'.")
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "1"  # development keys; both checkouts measured alike
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)


def build(factor, rng, n_members):
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat
    from django.utils import timezone

    from centers.models import Center, Kind
    from grids.demo.members import fake_id_card
    from grids.models import Assignment, Gender, Level, Member, OrgKind, Role, Unit
    from projects.models import Activity, ServiceProject, ServiceRecord, Volunteer, VolunteerTeam

    user_model = get_user_model()
    if user_model.objects.filter(username="bench").exists():
        print("reusing the bench data")
        return
    started = time.perf_counter()

    def bulk_units(rows):
        Unit.objects.bulk_create(rows, batch_size=2000)
        for parent in {row.parent for row in rows}:
            Unit.objects.filter(parent=parent, path="").update(
                path=Concat(Value(parent.path), Cast("pk", CharField()), Value("/"), output_field=CharField())
            )

    with transaction.atomic():
        district = Unit.objects.create(level=Level.DISTRICT, name="福田区", org_name="区委", code="440304")
        bulk_units([Unit(level=Level.STREET, name=f"第{i}街道", parent=district, org_name="党工委") for i in range(10)])
        streets = list(Unit.objects.filter(level=Level.STREET))
        bulk_units(
            [Unit(level=Level.COMMUNITY, name=f"第{i}社区", parent=streets[i % 10], org_name="党委") for i in range(95)]
        )
        communities = list(Unit.objects.filter(level=Level.COMMUNITY))
        bulk_units(
            [
                Unit(level=Level.GRID, name="第1网格", parent=c, org_name="支部", org_kind=OrgKind.GRID_BRANCH)
                for c in communities
            ]
        )
        grids = list(Unit.objects.filter(level=Level.GRID))
        bulk_units(
            [
                Unit(
                    level=Level.BUILDING,
                    name=f"{i}栋",
                    parent=grids[i % len(grids)],
                    org_name="党小组",
                    org_kind=OrgKind.BUILDING_GROUP,
                    latitude=Decimal(f"{22.54 + rng.uniform(-0.06, 0.06):.6f}"),
                    longitude=Decimal(f"{114.05 + rng.uniform(-0.06, 0.06):.6f}"),
                )
                for i in range(1112 * factor)
            ]
        )
        buildings = list(Unit.objects.filter(level=Level.BUILDING).only("pk"))
        Center.objects.bulk_create(
            Center(
                name=f"中心{i}",
                kind=Kind.COMMUNITY,
                owner=communities[i % 95],
                address="-",
                latitude=Decimal(f"{22.54 + rng.uniform(-0.06, 0.06):.6f}"),
                longitude=Decimal(f"{114.05 + rng.uniform(-0.06, 0.06):.6f}"),
            )
            for i in range(116 * factor)
        )
        members = []
        for i in range(n_members):
            member = Member(
                name=f"党员{i}",
                gender=Gender.MALE,
                birth_date=date(1980, 5, 17),
                unit=rng.choice(buildings),
                joined_on=date(2005, 7, 1),
                full_member_on=date(2006, 7, 1),
            )
            member.set_id_card(fake_id_card(i + 1, date(1980, 5, 17), Gender.MALE))
            member.set_mobile(f"139{i:08d}")
            members.append(member)
        Member.objects.bulk_create(members, batch_size=2000)
        volunteers = []
        for i in range(2_000 * factor):
            volunteer = Volunteer(name=f"志愿者{i}", unit=communities[i % 95])
            volunteer.mobile = f"137{i:08d}"
            volunteers.append(volunteer)
        Volunteer.objects.bulk_create(volunteers, batch_size=2000)
        volunteers = list(Volunteer.objects.only("pk"))
        VolunteerTeam.objects.bulk_create(
            VolunteerTeam(name=f"队{i}", unit=communities[i % 95]) for i in range(67 * factor)
        )
        teams = list(VolunteerTeam.objects.only("pk"))
        through = VolunteerTeam.members.through
        through.objects.bulk_create(
            [through(volunteerteam_id=teams[i % len(teams)].pk, volunteer_id=v.pk) for i, v in enumerate(volunteers)],
            batch_size=5000,
        )
        project = ServiceProject.objects.create(
            unit=communities[0], title="基准项目", category=ServiceProject._meta.get_field("category").choices[0][0]
        )
        starts = timezone.now() - timedelta(days=30)
        Activity.objects.bulk_create(
            Activity(
                project=project,
                title=f"活动{i}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                capacity=1000,
                signup_deadline=starts - timedelta(days=1),
                address="-",
            )
            for i in range(10 * factor)
        )
        activities = list(Activity.objects.only("pk"))
        ServiceRecord.objects.bulk_create(
            [
                ServiceRecord(
                    activity=activities[i % len(activities)],
                    volunteer=volunteers[i % len(volunteers)],
                    hours=Decimal("1.50"),
                )
                for i in range(10_000 * factor)
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        if hasattr(VolunteerTeam.objects, "refresh_ranking"):
            VolunteerTeam.objects.all().refresh_ranking()
        try:  # the kept hours per project and month (bulk inserts send no signal)
            from projects.services import hours
        except ImportError:  # a branch before them
            hours = None
        if hours is not None:
            hours.refresh()
        try:  # the units' kept counts (issue 15), where the checkout has them
            from grids.services import unit_counts
        except ImportError:
            pass
        else:
            unit_counts.refresh()  # bulk inserts send no signal
        user = user_model.objects.create_user("bench", password="-", is_staff=True)
        Assignment.objects.create(user=user, unit=district, role=Role.ADMIN)
    print(
        f"built in {time.perf_counter() - started:.0f} s: {len(buildings):,} building groups, "
        f"{Member.objects.count():,} members, {Center.objects.count():,} centers, {len(teams):,} teams"
    )


OPTIONS = {}


def measure(label, call):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    if OPTIONS["only"] and not any(part in label for part in OPTIONS["only"]):
        return
    if not OPTIONS["once"]:
        call()  # warm up
    reset_queries()  # DEBUG keeps 9,000 queries: a full log counts 0
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = call()
        ms = (time.perf_counter() - started) * 1000
    size = len(result.content) if hasattr(result, "content") else None
    status = getattr(result, "status_code", "")
    print(
        f"{label:<44} {len(queries):>7,} queries {ms:>9,.0f} ms"
        + (f" {size:>12,} bytes {status}" if size is not None else "")
    )


def main():
    args = parse_args()
    setup(args)
    OPTIONS.update(only=args.only, once=args.once)
    build(args.factor, random.Random(15), args.members if args.members is not None else 10_000 * args.factor)
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from centers.services.coverage import coverage
    from grids.models import Level, Member, Unit

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    member = Member.objects.order_by("pk").first()
    print(f"--- factor {args.factor}, code at {args.root}")
    measure(
        "coverage analysis (the job's computation)",
        lambda: coverage(buildings=Unit.objects.filter(level=Level.BUILDING)),
    )
    measure("GET /staff/centers/coverage/", lambda: client.get(reverse("staff_center_coverage")))
    measure("GET /staff/volunteer/volunteers/new/", lambda: client.get(reverse("volunteer_staff_volunteer_new")))
    measure("GET /staff/members/<pk>/report/", lambda: client.get(reverse("member_report", args=[member.pk])))
    measure("GET /staff/members/<pk>/claim/", lambda: client.get(reverse("member_claim", args=[member.pk])))
    measure("GET /staff/members/new/", lambda: client.get(reverse("member_create")))
    measure("GET /staff/centers/new/", lambda: client.get(reverse("staff_center_create")))
    measure("GET /volunteer/teams/ (anonymous)", lambda: Client().get(reverse("volunteer_teams")))
    try:
        url = reverse("pick_members")
    except Exception:  # noqa: BLE001 - the other checkout has no pickers
        return
    measure("GET /staff/pick/members/?q=党员12", lambda: client.get(url, {"q": "党员12", "need": "edit"}))
    measure("GET /staff/pick/units/?levels=5", lambda: client.get(reverse("pick_units"), {"levels": "5"}))


if __name__ == "__main__":
    main()
