"""Benchmark of the staff dashboards (issue 12): the district dashboard and its drill-down tables,
cold (the cached sections cleared before each request) and warm (read from the cache), in
milliseconds and queries, on the database DATABASE_URL points at.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal REDIS_URL=redis://127.0.0.1:6379/0 \
        python bench/dashboards.py --runs 7 --slowest 5

    python bench/dashboards.py --levels district,street,community --periods month,quarter,year,range --cold-only

Runs each page through Django's test client as the first district 管理员 (or a superuser),
after one warm-up request, and prints the median and the worst time and the query count of
each, and the CPU time of the Python process (the page without the database's own time, which
says more than the wall clock on a shared machine); `--slowest N` lists the N slowest queries of
the last cold request (DEBUG=1 records their times). Not a test: run it by hand against a seeded
database (seed_demo, then seed_scale --factor N; ANALYZE after a bulk seed, as autovacuum would).

Cold deletes the cached dashboard sections from Redis (REDIS_URL) and keeps the tables' versions,
so the tallies the job `dashboard_tallies` keeps (grids/services/tallies.py) stay current, as in
the steady state; without REDIS_URL it clears the whole cache, versions included, and the tallies
are counted again (untimed, as the worker would within a minute) before each cold request.
`--counted` measures the pages with stale tallies (every figure counted from the records, as after
a write when the worker is more than the members' lag behind; within it the page reads the last
count and says when it was made).

`--levels` picks the units: the district, its street 华富街道 (or its first street) and that
street's community 梅岗社区 (or its first community); `--periods` the dashboard's periods (the
range runs from the 15th of July of last year to today: partial months at both ends); the
drill-down tables and the report are measured at each level with the period of the first of them.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TABLES = [
    ("dashboard_table", {"figure": "members.total"}),
    ("dashboard_table", {"figure": "volunteering.hours"}),
    ("dashboard_table", {"figure": "micro.proposed"}),
    ("dashboard_table", {"figure": "micro.spent", "sort": "-value"}),
    ("dashboard_report", {"export": "xlsx"}),
]


def period_query(kind, today):
    if kind == "range":
        return {"period": "range", "start": f"{today.year - 1}-07-15", "end": today.isoformat()}
    return {"period": kind}


def pages(periods, today):
    out = [("dashboard", period_query(kind, today)) for kind in periods]
    first = period_query(periods[0], today)
    return out + [(name, first | query) for name, query in TABLES]


def clear_sections(pagecache):
    """Delete the cached dashboard sections, keeping the versions (True), or clear the cache (False)."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pagecache.store().clear()
        return False
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match="*pf:dashboard:*", count=1000))
    if keys:
        client.delete(*keys)
    return True


def units(levels):
    from grids.models import Level, Unit

    district = Unit.objects.get(parent__isnull=True)
    street = (
        Unit.objects.filter(parent=district, name="华富街道").first()
        or Unit.objects.filter(parent=district, level=Level.STREET).order_by("pk").first()
    )
    community = (
        Unit.objects.filter(parent=street, name="梅岗社区").first()
        or Unit.objects.filter(parent=street, level=Level.COMMUNITY).order_by("pk").first()
    )
    chosen = {"district": district, "street": street, "community": community}
    return [(level, chosen[level]) for level in levels]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=0, help="list the N slowest queries of each cold page")
    parser.add_argument("--counted", action="store_true", help="cold: stale tallies (figures from the records)")
    parser.add_argument("--levels", default="district", help="comma-separated: district,street,community")
    parser.add_argument("--periods", default="month,year", help="comma-separated: month,quarter,year,range")
    parser.add_argument("--cold-only", action="store_true", help="measure only the cold requests")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from grids.models import Member

    try:
        from grids.services import tallies
    except ImportError:  # a branch without the tallies (main before issue 12's second session)
        tallies = None
    from portal.core import pagecache
    from projects.models import MicroProject, ServiceRecord

    district = units(["district"])[0][1]
    user = (
        get_user_model().objects.filter(assignments__unit=district).first()
        or get_user_model().objects.filter(is_superuser=True).first()
    )
    client = Client()
    client.force_login(user)
    print(
        f"{Member.objects.count():,} members, {MicroProject.objects.count():,} micro-projects, {ServiceRecord.objects.count():,} service records"
    )
    if tallies and not args.counted:
        tallies.refresh_all()
    today = timezone.localdate()
    for level, unit in units(args.levels.split(",")):
        for name, query in pages(args.periods.split(","), today):
            measure(args, client, reverse(name, args=[unit.pk]), query, f"{level:9} {name}", pagecache, tallies)


def measure(args, client, url, query, label, pagecache, tallies):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client.get(url, query)
    label = f"{label} {'&'.join(f'{k}={v}' for k, v in query.items() if k != 'start')}"
    slow = []
    for state in ("cold",) if args.cold_only else ("cold", "warm"):
        times, cpu, sql = [], [], []
        for _run in range(args.runs):
            if state == "cold":
                kept_versions = clear_sections(pagecache)
                if tallies and args.counted:  # stale tallies: their tables' versions move on
                    pagecache.bump(*{tag for tables, _count in tallies.KINDS.values() for tag in tables})
                    if hasattr(tallies, "LAGS"):  # and counted too long ago to be read in the meantime
                        from grids.models import UnitTally

                        UnitTally.objects.filter(unit_pk__isnull=True).update(values={})
                elif tallies and not kept_versions:
                    tallies.refresh_all()
            reset_queries()  # DEBUG keeps 9,000 queries: a full log counts 0
            with CaptureQueriesContext(connection) as queries:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url, query)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
            if state == "cold":
                slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[: args.slowest]
        print(
            f"{label:70} {state}  median {statistics.median(times):6.0f} ms  max {max(times):6.0f} ms"
            f"  Python CPU {statistics.median(cpu):5.0f} ms  SQL {statistics.median(sql):5.0f} ms  {len(queries)} queries",
            flush=True,
        )
    for q in slow:
        print(f"    {float(q['time']) * 1000:7.0f} ms  {q['sql'][:150]}")


if __name__ == "__main__":
    main()
