"""Benchmark of Center.objects.near(): indexed bounding box + in-database great circle.

    python bench/centers_nearby.py                       # SQLite, 100,000 centers
    python bench/centers_nearby.py --n 600000            # the national scale
    python bench/centers_nearby.py --database-url postgres://postgres@127.0.0.1:5432/portal_centers_bench

Creates N centers with a fixed seed in a database of its own (the name must contain
"bench"; a PostgreSQL one is created if missing), clustered around 400 towns like real
communities, then runs 1,000 nearby queries (1 km, 20 results) at random points near those
towns and prints p50/p95 of the database time (cursor execute + fetch of the compiled SQL)
and of the whole ORM call, and the same for a naive full scan (great circle on every row)
over fewer queries, checking that both give the same centers. Not a test: run it by hand.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="centers to create (default 100000)")
    parser.add_argument("--queries", type=int, default=1000, help="indexed nearby queries (default 1000)")
    parser.add_argument("--naive-queries", type=int, default=20, help="full-scan queries for comparison (default 20)")
    parser.add_argument("--radius", type=int, default=1000, help="radius in metres (default 1000)")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--database-url", default="sqlite:////tmp/portal_centers_bench.sqlite3")
    return parser.parse_args()


def ensure_postgres_database(url):
    import psycopg2
    from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT

    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{base}/postgres")
    connection.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def setup(args):
    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        sys.exit("Refusing: the benchmark database name must contain 'bench' (it fills the centers table).")
    if args.database_url.startswith("postgres"):
        ensure_postgres_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def towns(rng, count=400):
    # Mainland China's populated band, roughly: 20–45°N, 100–125°E.
    return [(rng.uniform(20, 45), rng.uniform(100, 125)) for _ in range(count)]


def near_town(rng, places, spread=0.05):
    lat, lng = rng.choice(places)
    return lat + rng.gauss(0, spread), lng + rng.gauss(0, spread)


def fill(n, rng, places):
    from django.db import connection, transaction

    from centers.models import Center, Kind
    from grids.models import Level, Unit

    if Center.objects.count() == n:
        print(f"reusing {n:,} centers")
        return
    started = time.perf_counter()
    with transaction.atomic():
        Center.objects.all().delete()
        owner, _created = Unit.objects.get_or_create(
            level=Level.DISTRICT, name="基准测试区", defaults={"org_name": "bench"}
        )
        batch = []
        for i in range(n):
            lat, lng = near_town(rng, places)
            batch.append(
                Center(
                    name=f"中心{i}",
                    kind=Kind.COMMUNITY,
                    owner=owner,
                    address="-",
                    latitude=round(lat, 6),
                    longitude=round(lng, 6),
                )
            )
            if len(batch) == 10_000:
                Center.objects.bulk_create(batch)
                batch = []
        Center.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"created {n:,} centers in {time.perf_counter() - started:.1f} s")


def timed(queryset):
    """(database ms, ORM ms, ids): the compiled SQL on a raw cursor, then the ORM call itself."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        db_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    ids = [c.pk for c in queryset]
    orm_ms = (time.perf_counter() - started) * 1000
    return db_ms, orm_ms, ids


def server_ms(queryset):
    """PostgreSQL's own planning + execution time (EXPLAIN ANALYZE), without the round trip."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    return plan["Planning Time"] + plan["Execution Time"]


def percentiles(values):
    ordered = sorted(values)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return p(0.50), p(0.95)


def main():
    args = parse_args()
    setup(args)
    from django.db import connection

    from centers.models import Center, distance_expression

    places = towns(random.Random(args.seed))
    fill(args.n, random.Random(args.seed + 1), places)
    # Query points from their own generator: the same points whether the data was reused or not.
    query_rng = random.Random(args.seed + 2)
    points = [near_town(query_rng, places) for _ in range(args.queries)]

    postgres = connection.vendor == "postgresql"
    indexed_db, indexed_orm, indexed_server, found = [], [], [], []
    for lat, lng in points:
        db_ms, orm_ms, ids = timed(Center.objects.near(lat, lng, args.radius)[:20])
        indexed_db.append(db_ms)
        indexed_orm.append(orm_ms)
        found.append(len(ids))
        if postgres:
            indexed_server.append(server_ms(Center.objects.near(lat, lng, args.radius)[:20]))

    naive_db, naive_orm, naive_server = [], [], []
    for lat, lng in points[: args.naive_queries]:
        naive = (
            Center.objects.alias(distance=distance_expression(lat, lng))
            .filter(distance__lte=args.radius)
            .order_by("distance", "pk")[:20]
        )
        db_ms, orm_ms, ids = timed(naive)
        naive_db.append(db_ms)
        naive_orm.append(orm_ms)
        if postgres:
            naive_server.append(server_ms(naive))
        assert ids == [c.pk for c in Center.objects.near(lat, lng, args.radius)[:20]], "naive and indexed disagree"

    vendor = connection.vendor
    print(f"{vendor}, {args.n:,} centers, radius {args.radius} m, limit 20, seed {args.seed}")
    print(f"  results per query: mean {statistics.mean(found):.1f}, max {max(found)}")
    p50, p95 = percentiles(indexed_db)
    o50, o95 = percentiles(indexed_orm)
    print(
        f"  near() x{len(points)}: database p50 {p50:.2f} ms, p95 {p95:.2f} ms; ORM p50 {o50:.2f} ms, p95 {o95:.2f} ms"
    )
    if postgres:
        s50, s95 = percentiles(indexed_server)
        print(f"  near() server side (EXPLAIN ANALYZE planning + execution): p50 {s50:.2f} ms, p95 {s95:.2f} ms")
    p50, p95 = percentiles(naive_db)
    o50, o95 = percentiles(naive_orm)
    print(
        f"  full scan x{len(naive_db)}: database p50 {p50:.1f} ms, p95 {p95:.1f} ms; ORM p50 {o50:.1f} ms, p95 {o95:.1f} ms"
    )
    if postgres:
        s50, s95 = percentiles(naive_server)
        print(f"  full scan server side: p50 {s50:.1f} ms, p95 {s95:.1f} ms")


if __name__ == "__main__":
    main()
