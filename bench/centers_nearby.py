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

    python bench/centers_nearby.py --n 600000 --postgis \
        --database-url postgres://postgres@127.0.0.1:5432/portal_centers_bench

With --postgis (PostgreSQL with the PostGIS extension installed, e.g. Debian's
postgresql-15-postgis-3; the portal itself never needs it): the same centers get a geography
column with a GiST index in the same table, the same 1,000 points are asked with ST_DWithin +
ORDER BY ST_Distance LIMIT 20, once on PostGIS's sphere (use_spheroid false: the same great
circle as near(), checked to give the same centers in the same order, ties allowed) and once on
its default spheroid (reported, not checked: its distances differ from the sphere's by up to
0.5 %), and the server times (EXPLAIN ANALYZE, the three queries interleaved point by point) are
printed with near()'s ratio to each (best of --repeat runs per query and point).
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
    parser.add_argument("--postgis", action="store_true", help="also time PostGIS on the same centers (PostgreSQL)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="EXPLAIN ANALYZE runs per query and point, the fastest kept (default 3: on a shared machine a"
        " single run measures the neighbours as much as the query)",
    )
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
    os.environ.setdefault("DEBUG", "1")  # a benchmark of queries: no secret key needed to run it
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
        # Not Center.objects.all().delete(): that sends a signal and writes an audit entry per row
        # (more than ten minutes for 100,000 rows). The database is the benchmark's own.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("TRUNCATE centers_center CASCADE")
            else:
                cursor.execute("DELETE FROM centers_center")
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


def server_ms(queryset=None, sql=None, params=None, repeat=1):
    """PostgreSQL's own planning + execution time (EXPLAIN ANALYZE), without the round trip; the
    fastest of `repeat` runs."""
    from django.db import connection

    if queryset is not None:
        sql, params = queryset.query.sql_with_params()
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else plan
            times.append(plan["Planning Time"] + plan["Execution Time"])
    return min(times)


def postgis_setup():
    """A geography column with a GiST index beside latitude/longitude in the same table (Django
    ignores a column it does not know); filled for rows that lack it, so a reused table is ready."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        cursor.execute("ALTER TABLE centers_center ADD COLUMN IF NOT EXISTS bench_geog geography(Point, 4326)")
        cursor.execute(
            "UPDATE centers_center SET bench_geog = ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography"
            " WHERE bench_geog IS NULL"
        )
        filled = cursor.rowcount
        cursor.execute("CREATE INDEX IF NOT EXISTS bench_center_geog ON centers_center USING gist (bench_geog)")
        cursor.execute("ANALYZE centers_center")
        cursor.execute("SELECT postgis_lib_version()")
        version = cursor.fetchone()[0]
    print(f"PostGIS {version}: geography column filled for {filled:,} rows in {time.perf_counter() - started:.1f} s")
    return version


def postgis_query(lat, lng, radius, *, spheroid):
    """The PostGIS way: ST_DWithin on the GiST-indexed geography, nearest first, 20 rows, the same
    columns as near() plus the distance. (sql, params)."""
    from django.db import connection

    from centers.models import Center

    columns = ", ".join(connection.ops.quote_name(field.column) for field in Center._meta.concrete_fields)
    point = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
    sql = (
        f"SELECT {columns}, ST_Distance(bench_geog, {point}, %s) AS distance_m FROM centers_center"
        f" WHERE ST_DWithin(bench_geog, {point}, %s, %s) ORDER BY distance_m, id LIMIT 20"
    )
    return sql, [lng, lat, spheroid, lng, lat, radius, spheroid]


def postgis_sql(lat, lng, args, spheroid):
    sql, params = postgis_query(lat, lng, args.radius, spheroid=spheroid)
    return {"sql": sql, "params": params}


def postgis_rows(lat, lng, radius, *, spheroid):
    from django.db import connection

    sql, params = postgis_query(lat, lng, radius, spheroid=spheroid)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[-1]) for row in cursor.fetchall()]


def same_answer(ours, theirs, limit=20, tolerance_m=0.001):
    """Same centers in the same order, [(id, distance)] each, except that centers at the same
    distance (within tolerance_m) may come in either order, and a tie cut by the limit may keep
    different members of the tie."""
    if len(ours) != len(theirs):
        return False
    start = 0
    while start < len(ours):
        end = start
        while end + 1 < len(ours) and abs(ours[end + 1][1] - ours[start][1]) <= tolerance_m:
            end += 1
        group = slice(start, end + 1)
        if any(abs(b[1] - a[1]) > tolerance_m for a, b in zip(ours[group], theirs[group], strict=True)):
            return False
        cut_by_limit = end == len(ours) - 1 and len(ours) == limit
        if not cut_by_limit and {a[0] for a in ours[group]} != {b[0] for b in theirs[group]}:
            return False
        start = end + 1
    return True


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
    if args.postgis and not postgres:
        sys.exit("--postgis needs a PostgreSQL --database-url")
    if args.postgis:
        postgis_version = postgis_setup()
    indexed_db, indexed_orm, indexed_server, found = [], [], [], []
    postgis_server = {False: [], True: []}
    postgis_agree = {False: 0, True: 0}
    for number, (lat, lng) in enumerate(points):
        db_ms, orm_ms, ids = timed(Center.objects.near(lat, lng, args.radius)[:20])
        indexed_db.append(db_ms)
        indexed_orm.append(orm_ms)
        found.append(len(ids))
        if not postgres:
            continue
        if not args.postgis:
            indexed_server.append(server_ms(Center.objects.near(lat, lng, args.radius)[:20], repeat=args.repeat))
            continue
        ours = [(c.pk, c.distance_m) for c in Center.objects.near(lat, lng, args.radius)[:20]]
        postgis_agree[False] += same_answer(ours, postgis_rows(lat, lng, args.radius, spheroid=False))
        # The spheroid's distances are not the sphere's: only the centers and their order can agree.
        postgis_agree[True] += [i for i, _ in ours] == [
            i for i, _ in postgis_rows(lat, lng, args.radius, spheroid=True)
        ]
        # Every query has now run once (same heap pages, warm for all three): time them in an
        # order that rotates with the point, so none is always the one that goes first.
        runs = [
            (indexed_server, {"queryset": Center.objects.near(lat, lng, args.radius)[:20]}),
            (postgis_server[False], postgis_sql(lat, lng, args, False)),
            (postgis_server[True], postgis_sql(lat, lng, args, True)),
        ]
        for times, query in runs[number % 3 :] + runs[: number % 3]:
            times.append(server_ms(**query, repeat=args.repeat))
    if args.postgis and postgis_agree[False] != len(points):
        sys.exit(f"PostGIS on the sphere and near() disagree on {len(points) - postgis_agree[False]} points")

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
        print(
            f"  near() server side (EXPLAIN ANALYZE planning + execution, best of {args.repeat}):"
            f" p50 {s50:.3f} ms, p95 {s95:.3f} ms"
        )
    if args.postgis:
        s50, s95 = percentiles(indexed_server)
        for spheroid, label in ((False, "sphere, use_spheroid false"), (True, "spheroid, the default")):
            g50, g95 = percentiles(postgis_server[spheroid])
            print(
                f"  PostGIS {postgis_version} ST_DWithin + ORDER BY ST_Distance ({label}), server side:"
                f" p50 {g50:.3f} ms, p95 {g95:.3f} ms; same centers as near() for {postgis_agree[spheroid]}"
                f" of {len(points)} points" + (" (in the same order)" if spheroid else "")
            )
            print(f"    near() / PostGIS server time: p50 {s50 / g50:.2f}x, p95 {s95 / g95:.2f}x (at most 1: as fast)")
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
