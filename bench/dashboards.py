"""Benchmark of the staff dashboards (issue 12): the district dashboard and its drill-down tables,
cold (the cached sections cleared before each request) and warm (read from the cache), in
milliseconds and queries, on the database DATABASE_URL points at.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal REDIS_URL=redis://127.0.0.1:6379/0 \
        python bench/dashboards.py --runs 7 --slowest 5

Runs each page through Django's test client as the first district 管理员 (or a superuser),
after one warm-up request, and prints the median and the worst time and the query count of
each, and the CPU time of the Python process (the page without the database's own time, which
says more than the wall clock on a shared machine); `--slowest N` lists the N slowest queries of
the last cold request (DEBUG=1 records their times). Not a test: run it by hand against a seeded
database (seed_demo, then seed_scale --factor N; ANALYZE after a bulk seed, as autovacuum would).

Cold clears the shared cache, which holds the tables' versions too: the tallies the job
`dashboard_tallies` keeps (grids/services/tallies.py) are then stale, and are counted again
(untimed, as the worker would within a minute) before each cold request, unless `--counted`
measures the pages with stale tallies (every figure counted from the records, as right after a
write).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("dashboard", {"period": "month"}),
    ("dashboard", {"period": "year"}),
    ("dashboard_table", {"figure": "members.total"}),
    ("dashboard_table", {"figure": "volunteering.hours", "period": "year"}),
    ("dashboard_table", {"figure": "micro.spent", "period": "year", "sort": "-value"}),
    ("dashboard_report", {"period": "month", "export": "xlsx"}),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=0, help="list the N slowest queries of each cold page")
    parser.add_argument("--counted", action="store_true", help="cold: stale tallies (figures from the records)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from grids.models import Member, Unit

    try:
        from grids.services import tallies
    except ImportError:  # a branch without the tallies (main before issue 12's second session)
        tallies = None
    from portal.core import pagecache
    from projects.models import MicroProject, ServiceRecord

    district = Unit.objects.get(parent__isnull=True)
    user = (
        get_user_model().objects.filter(assignments__unit=district).first()
        or get_user_model().objects.filter(is_superuser=True).first()
    )
    client = Client()
    client.force_login(user)
    print(
        f"{Member.objects.count():,} members, {MicroProject.objects.count():,} micro-projects, {ServiceRecord.objects.count():,} service records"
    )
    for name, query in PAGES:
        url = reverse(name, args=[district.pk])
        client.get(url, query)
        label = f"{name} {'&'.join(f'{k}={v}' for k, v in query.items())}"
        for state in ("cold", "warm"):
            times, cpu, sql = [], [], []
            for _run in range(args.runs):
                if state == "cold":
                    pagecache.store().clear()
                    if tallies and not args.counted:
                        tallies.refresh_all()
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
                f"{label:58} {state}  median {statistics.median(times):6.0f} ms  max {max(times):6.0f} ms"
                f"  Python CPU {statistics.median(cpu):5.0f} ms  SQL {statistics.median(sql):5.0f} ms  {len(queries)} queries"
            )
        for q in slow:
            print(f"    {float(q['time']) * 1000:7.0f} ms  {q['sql'][:150]}")


if __name__ == "__main__":
    main()
