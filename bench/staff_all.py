"""Every staff GET route of the URL conf, as a district admin, on an already-seeded database (issue 15).

    python bench/staff_all.py                                   # db.sqlite3 (after seed_demo)
    python bench/staff_all.py --database-url postgres://postgres@127.0.0.1:5432/portal_scale1
    python bench/staff_all.py --database-url postgres://.../portal_scale1 --database-url postgres://.../portal_scale10
    python bench/staff_all.py --only coverage funnel --markdown  # some routes; a README table

The routes are those of the permission matrix (tests/matrix.py `staff_patterns`: every named route
under staff/, the pickers' JSON, downloads and exports included), each at the URL its keywords
make with a real record of the right model (`KEYWORD_MODELS`) visible to the user: the richest one
of the scope by the count in RICHEST (the team with the most volunteers, the activity with the most
sign-ups, ...), and for a unit keyword the user's own top unit. Each route is also tried with the
matrix's further queries (filters, `?export=xlsx`) and those in EXTRA (a picker's search that
matches nothing, the worst case of a substring search). The coverage page is shown with a result:
the coverage job is run first if its unit has none. A route whose keyword finds no record in the
database (no kept report in the demo) is named and left out.

Per URL: status, the first request (cold: ms and queries), the median of three more (warm), their
queries, the answer's bytes, the request's peak of Python memory (tracemalloc, in a fifth request,
so its cost is not in the times) and the growth of the process's peak RSS. Then one line per target
of issue 15 (over 1 s, over 1 MB, over 200 MB, not 200, the coverage page under 1 s) naming the
offenders or saying "met". With two --database-url, each size runs in a process of its own and the
pages whose query count differs between the sizes are named (not constant).

Read-only: the whole run is one transaction rolled back at the end (the login's session, an
export's audit entry and the coverage job are never committed), each request in a savepoint of its
own rolled back after it, so every request sees the same data. DEBUG=1 (the seeded data was
encrypted with the development keys); jobs go to the database queue (rolled back with the rest), as
in production, where a page that starts one answers at once.
"""

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECOND_MS, MB_HTML, MB_MEMORY = 1000, 1_000_000, 200
SLOW_MS = 5_000
NO_MATCH = "无此名字"

# URL keyword -> the reverse relation whose count picks the record ("" for the lowest pk).
RICHEST = {
    "member_pk": "attendance",
    "post_pk": "claims",
    "project_pk": "activities",
    "team_pk": "members",
    "volunteer_pk": "service_records",
    "activity_pk": "signups",
    "micro_pk": "expenditures",
    "fund_pk": "projects",
    "center_pk": "rooms",
    "meeting_pk": "attendance",
    "transfer_pk": "events",
    "demand_pk": "transitions",
    "account_pk": "assignments",
}
# Further queries beyond the matrix's `more`: searches that match nothing read the most.
EXTRA = {
    "pick_members": [{"q": "王"}, {"q": NO_MATCH}],
    "pick_volunteers": [{"q": NO_MATCH}],
    "pick_units": [{"q": NO_MATCH}, {"levels": "5"}],
    "pick_posts": [{"q": NO_MATCH}],
    "pick_teams": [{"q": NO_MATCH}],
    "pick_centers": [{"q": NO_MATCH}],
    "member_list": [{"q": NO_MATCH}, {"page": "100"}],
    "micro_staff_list": [{"q": NO_MATCH}],
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", action="append", default=[], help="twice: two sizes, compared")
    parser.add_argument("--user", default="futian")
    parser.add_argument("--only", nargs="*", default=(), help="routes whose name or pattern contains one of these")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", action="store_true", help="also print a README table")
    parser.add_argument("--json", help=argparse.SUPPRESS)  # a child's results, for the parent
    return parser.parse_args(argv)


def setup(url):
    sys.path.insert(0, str(ROOT))
    if url:
        os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "1"
    os.environ["JOBS_BACKEND"] = "database"  # a page that starts a job answers at once, as in production
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def units(user):
    """The scope's top unit, then at each level below it the unit with the most children: a route
    that refuses the top unit (an import of units into a community or grid) takes the next."""
    from django.db.models import Count

    from grids.models import Level, Unit
    from grids.scope import scope_for

    top = scope_for(user).roots()[0]
    found = [top]
    for level in [value for value in Level.values if value > top.level][:-1]:
        units = Unit.objects.visible_to(user).filter(level=level)
        found.append(units.annotate(n_bench=Count("children")).order_by("-n_bench", "path").first())
    return [unit for unit in found if unit is not None]


def pick(key, user):
    """The record a keyword names: the richest visible record."""
    from django.db.models import Count

    from grids.scope import MANAGE, scope_for
    from grids.services import accounts
    from tests.matrix import KEYWORD_MODELS

    scope = scope_for(user)
    model = KEYWORD_MODELS[key]
    if key == "account_pk":
        qs = accounts.manageable_accounts(scope).exclude(pk=user.pk)
    elif key == "job_pk":  # the one with the biggest result: the coverage of the whole scope
        return model.objects.visible_to(user).filter(kind="coverage").order_by("-pk").first()
    elif key == "assignment_pk":  # one the user may remove: not their own
        qs = model.objects.visible_to(user, MANAGE).exclude(user=user)
    else:
        qs = model.objects.visible_to(user)
    if RICHEST.get(key):
        return qs.annotate(n_bench=Count(RICHEST[key])).order_by("-n_bench", "pk").first()
    return qs.order_by("pk").first()


def urls(args, user):
    """(route name, candidate URLs, whether the matrix expects a redirect) for every staff GET
    route and its further queries; the first candidate that is not a 404 is measured."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from tests.matrix import ROUTES, query, staff_patterns

    chosen = {"unit_pk": units(user)}
    chosen["parent_pk"] = chosen["unit_pk"]
    for name, route, keys in staff_patterns():
        if args.only and not any(part in name or part in "/" + route for part in args.only):
            continue
        for key in keys:
            if key not in chosen:
                chosen[key] = [pick(key, user)]
        if "assignment_pk" in keys:  # the account the assignment belongs to
            assignment = chosen["assignment_pk"][0]
            candidates = [{"account_pk": assignment.user_id, "assignment_pk": assignment.pk}]
        elif name == "job_result":  # a job that wrote a file
            job = chosen["job_pk"][0].__class__.objects.visible_to(user).exclude(result_file="").order_by("-pk").first()
            candidates = [{"job_pk": job.pk}] if job else []
        elif keys:  # one keyword per route, but for the assignment's
            candidates = [{keys[0]: record.pk} for record in chosen[keys[0]] if record is not None]
        else:
            candidates = [{}]
        if not candidates:
            print(f"(left out: {name}, no record for {keys} in this database)")
            continue
        entry = ROUTES.get(name)
        queries = [query(more) for more, _shows in entry.more] if entry else []
        for params in [{}, *queries, *EXTRA.get(name, [])]:
            found = [
                reverse(name, kwargs=kwargs) + ("?" + urlencode(params) if params else "") for kwargs in candidates
            ]
            yield name, found, entry is not None and entry.get_to is not None


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def request(client, url, *, memory=False):
    """(status, ms, queries, bytes, peak MB, Location) of one GET in a savepoint rolled back after it."""
    from django.db import connection, reset_queries, transaction
    from django.test.utils import CaptureQueriesContext

    peak, location = None, ""
    # DEBUG keeps the last 9,000 queries only: once full, the capture's start and end indexes are
    # both 9,000 and every later page counted 0 queries (the pickers, late in the run).
    reset_queries()
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        if memory:
            tracemalloc.start()
        started = time.perf_counter()
        try:
            response = client.get(url)
            status, size = response.status_code, len(body(response))
            location = response.get("Location", "")
        except Exception as exc:  # noqa: BLE001 - a page that fails is a result to print
            status, size = f"{type(exc).__name__}: {str(exc)[:80]}", 0
        ms = (time.perf_counter() - started) * 1000
        if memory:
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
        transaction.set_rollback(True)
    return status, ms, len(captured), size, peak, location


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(user):
    """The coverage page shows a stored result: run the job for the user's top unit if it has none."""
    from centers.services.coverage_job import KIND
    from grids.models import Job, JobStatus
    from grids.scope import scope_for
    from grids.services.jobs import run_job, start_job

    unit = scope_for(user).roots()[0]
    if not Job.objects.filter(kind=KIND, unit=unit, status=JobStatus.DONE).exists():
        started = time.perf_counter()
        job = start_job(KIND, user=user, unit=unit, title="bench")
        run_job.call(job.pk)
        job.refresh_from_db()
        print(f"(coverage job for {unit.name}: {job.status}, {time.perf_counter() - started:.1f} s)", flush=True)


def run(args, url):
    """Measure every URL on one database; returns the rows (dicts)."""
    setup(url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import update_last_login
    from django.contrib.auth.signals import user_logged_in
    from django.db import connection, transaction
    from django.test import Client

    # A login writes the user's last_login, and the run's one transaction would hold that row's
    # lock to its end: a second bench as the same user on the same database then waited for the
    # first (a run of 10x exports held it for half an hour). The bench writes nothing it keeps.
    user_logged_in.disconnect(update_last_login)
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the 4xx are in the table
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    rows = []
    with transaction.atomic():
        user = get_user_model().objects.get(username=args.user)
        client = Client(raise_request_exception=True)
        client.force_login(user)
        prepare(user)
        print(
            f"database {connection.settings_dict['NAME']} ({connection.vendor}), cache "
            f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, as {user.username}",
            flush=True,
        )
        for name, candidates, redirects in urls(args, user):
            # Each request's savepoint is rolled back, its touch of the session too: log in again, or
            # the idle timeout logs the bench out after half an hour of slow pages.
            client.force_login(user)
            rss = maxrss_mb()
            for path in candidates:
                status, cold_ms, cold_q, size, _peak, location = request(client, path)
                if status != 404:
                    break
            # A page of minutes is measured once (its figure is what matters, not its median).
            slow = cold_ms > SLOW_MS
            warm = [(status, cold_ms, cold_q, size)] if slow else [request(client, path) for _ in range(args.repeat)]
            peak = request(client, path, memory=True)[4]
            row = {
                "name": name,
                "url": path,
                "status": status,
                "redirects": redirects,
                "location": location,
                "cold_ms": cold_ms,
                "cold_queries": cold_q,
                "ms": statistics.median(w[1] for w in warm),
                "queries": warm[-1][2],
                "bytes": warm[-1][3],
                "peak_mb": peak,
                "rss_growth_mb": maxrss_mb() - rss,
            }
            rows.append(row)
            print(line(row), flush=True)
        transaction.set_rollback(True)
    print(f"peak RSS of the process: {maxrss_mb():,.0f} MB")
    return rows


def line(row):
    return (
        f"{row['url'][:68]:<68} {row['status']!s:>4} cold {row['cold_ms']:>7,.0f} ms {row['cold_queries']:>4} q"
        f" | {row['ms']:>7,.0f} ms {row['queries']:>4} q {row['bytes'] / 1000:>8,.1f} KB"
        f" {row['peak_mb']:>6,.1f} MB (RSS +{row['rss_growth_mb']:,.0f})"
    )


def summary(rows, label=""):
    def names(matching):
        found = [f"{r['url']} ({fmt(r)})" for r in rows if matching(r)]
        return "; ".join(found) if found else "met"

    def fmt(r):
        return f"{r['cold_ms']:,.0f} ms first, {r['ms']:,.0f} ms warm, {r['bytes'] / 1e6:,.2f} MB HTML, {r['peak_mb']:,.0f} MB, status {r['status']}"

    def failed(r):
        return r["status"] not in (200, 302)

    coverage = [r for r in rows if r["name"] == "staff_center_coverage" and "?" not in r["url"]]
    print(f"--- targets{label}: {len(rows)} URLs")
    print(f"over 1 s: {names(lambda r: r['ms'] > SECOND_MS)}")
    # The first request of each URL: its cache empty (and, for the dashboards, their tallies as
    # the database left them: current only if the job ran since the last write).
    print(f"first request over 1 s: {names(lambda r: r['cold_ms'] > SECOND_MS)}")
    print(f"over 1 MB of HTML: {names(lambda r: r['bytes'] > MB_HTML)}")
    print(f"over 200 MB of memory: {names(lambda r: r['peak_mb'] > MB_MEMORY)}")
    print(f"neither 200 nor a redirect: {names(failed)}")
    moved = [
        f"{r['url']} → {r['location']}" + ("" if r["redirects"] else " (unlike the matrix)")
        for r in rows
        if r["status"] == 302
    ]
    print(f"redirects (the page it leads to is measured on its own): {'; '.join(moved) or 'none'}")
    if coverage:
        ms = coverage[0]["ms"]
        print(f"coverage page under 1 s: {'met' if ms < SECOND_MS else 'NOT met'} ({ms:,.0f} ms)")


def markdown(sizes):
    """One row per route and query: at each size ms, queries, KB, MB."""
    labels = [label for label, _rows in sizes]
    head = " | ".join(f"{label}: ms / queries / KB / MB" for label in labels)
    print(f"\n| page | {head} |\n|---|" + "---|" * len(labels))
    keyed = [{key(r): r for r in rows} for _label, rows in sizes]
    for k in dict.fromkeys(k for table in keyed for k in table):
        cells = []
        for table in keyed:
            r = table.get(k)
            cells.append(
                "—"
                if r is None
                else f"{r['ms']:,.0f} / {r['queries']} / {r['bytes'] / 1000:,.0f} / {r['peak_mb']:,.0f}"
                + ("" if r["status"] == 200 else f" ({r['status']})")
            )
        print(f"| `{k}` | " + " | ".join(cells) + " |")


def key(row):
    """The route with its query, without the record's pk (which differs between databases)."""
    from_query = row["url"].partition("?")[2]
    return row["name"] + (f"?{from_query}" if from_query else "")


def main():
    args = parse_args()
    if args.json is not None or len(args.database_url) <= 1:
        rows = run(args, args.database_url[0] if args.database_url else None)
        if args.json:
            Path(args.json).write_text(json.dumps(rows))
            return
        summary(rows)
        if args.markdown:
            markdown([("this size", rows)])
        return
    sizes = []
    for url in args.database_url:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            child = [sys.executable, __file__, "--database-url", url, "--json", out.name, "--user", args.user]
            child += ["--repeat", str(args.repeat)] + (["--only", *args.only] if args.only else [])
            subprocess.run(child, check=True)
            sizes.append((url.rsplit("/", 1)[-1], json.loads(Path(out.name).read_text())))
    for label, rows in sizes:
        summary(rows, f" at {label}")
    compare_keys(sizes)
    if args.markdown:
        markdown(sizes)


def compare_keys(sizes):
    (first, a), *others = sizes
    by_key = {key(r): r for r in a}
    for label, rows in others:
        differ = [
            f"{key(r)} {by_key[key(r)]['queries']} → {r['queries']}"
            for r in rows
            if key(r) in by_key and by_key[key(r)]["queries"] != r["queries"]
        ]
        print(f"query count constant between {first} and {label}: {'; '.join(differ) if differ else 'met'}")


if __name__ == "__main__":
    main()
