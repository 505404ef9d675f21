"""Benchmark of the public pages: throughput as a ratio to a hello-world view, query counts, and
the staff pages' times. Not a test: run it by hand on a seeded database.

    .venv/bin/python manage.py seed_demo && .venv/bin/python manage.py seed_scale --factor 1
    .venv/bin/python bench/public_pages.py                       # SQLite (db.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_x REDIS_URL=redis://127.0.0.1:6379/4 \
        .venv/bin/python bench/public_pages.py

Starts gunicorn -w 2 with production settings (DEBUG=0, BENCH_HELLO=1 adds /bench/hello/, a view
that goes through the same middleware and answers "Hello, world"), then for each public page runs
`wrk` on the hello view and on the page one after the other, --rounds times, and prints the
median of the ratios (the machine is shared: only ratios mean anything). Query counts are taken
in-process with the test client, cold (empty cache) and warm; staff pages are timed in-process
as the district administrator (mean of --staff-requests requests, queries and HTML size).
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-of-some-length-0123456789-abcdefghijkl",
    "PERSONAL_DATA_KEY": "bench-only-personal-data-key-of-at-least-32-bytes",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "BENCH_HELLO": "1",
}

STAFF_PAGES = [
    "/staff/",
    "/staff/centers/coverage/",
    "/staff/volunteer/volunteers/new/",
    "/staff/micro/funnel/",
    "/staff/members/",
    "/volunteer/teams/",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds per page (median of the ratios)")
    parser.add_argument("--duration", type=int, default=4, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-wrk", action="store_true", help="only query counts and staff times")
    parser.add_argument("--skip-staff", action="store_true")
    parser.add_argument("--staff-requests", type=int, default=1, help="requests per staff page (mean)")
    parser.add_argument("--staff", nargs="*", default=STAFF_PAGES, help="staff pages to time (default: all)")
    parser.add_argument("--load", help="also run wrk -c64 for this many seconds on each page (p99, errors)", type=int)
    return parser.parse_args()


def django_setup():
    os.environ.update(PRODUCTION_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def public_pages():
    from centers.models import Center

    center = Center.objects.public().order_by("pk").first()
    return [
        "/",
        "/centers/",
        f"/centers/{center.pk}/",
        f"/centers/nearby/?lat={center.latitude:.5f}&lng={center.longitude:.5f}",
        "/micro-projects/",
        "/volunteer/",
        "/open/stats.json",
        "/open/centers.geojson",
    ]


def start_server(args):
    env = os.environ | PRODUCTION_ENV
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "portal.wsgi",
        "-w",
        str(args.workers),
        "-b",
        f"127.0.0.1:{args.port}",
        "--no-control-socket",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/bench/hello/", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not answer")


def drain(url):
    """wrk leaves requests queued in gunicorn's backlog: wait until the workers are idle again."""
    hello = url.split("/", 3)
    for _ in range(4):
        urllib.request.urlopen(f"{hello[0]}//{hello[2]}/bench/hello/", timeout=120).read()


def wrk(url, *, duration, connections, latency=False):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", url]
    if latency:
        command.insert(1, "--latency")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    drain(url)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    return (
        rps,
        (int(non2xx.group(1)) if non2xx else 0),
        (errors.group(1) if errors else ""),
        (p99.group(1) if p99 else ""),
    )


def throughput(args, pages):
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(args)
    rows = []
    try:
        for page in pages:
            urllib.request.urlopen(base + page, timeout=60)  # warm
            ratios, hello_rates, page_rates = [], [], []
            for _ in range(args.rounds):
                hello, *_ = wrk(base + "/bench/hello/", duration=args.duration, connections=args.connections)
                rate, bad, errors, _ = wrk(base + page, duration=args.duration, connections=args.connections)
                ratios.append(rate / hello if hello else float("nan"))
                hello_rates.append(hello)
                page_rates.append(rate)
                if bad or errors:
                    print(f"  {page}: {bad} non-2xx, socket errors {errors}")
            row = [
                page,
                statistics.median(hello_rates),
                statistics.median(page_rates),
                statistics.median(ratios),
                ratios,
            ]
            if args.load:
                rate, bad, errors, p99 = wrk(base + page, duration=args.load, connections=64, latency=True)
                row += [rate, p99, bad, errors]
            rows.append(row)
            print(f"  {page}: ratio {row[3]:.3f} ({', '.join(f'{r:.3f}' for r in ratios)})", flush=True)
        if args.load:
            # The floor under this machine's load: a p99 the hello view itself cannot keep is not a page's.
            rate, bad, errors, p99 = wrk(base + "/bench/hello/", duration=args.load, connections=64, latency=True)
            rows.append(["/bench/hello/", rate, rate, 1.0, [], rate, p99, bad, errors])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    return rows


def query_counts(pages):
    from django.core.cache import caches
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rows = []
    for page in pages:
        for alias in caches:
            caches[alias].clear()
        counts = []
        for _ in range(2):
            reset_queries()  # DEBUG keeps 9,000 queries: a full log counts 0
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page)
            counts.append(len(queries))
        rows.append((page, response.status_code, counts[0], counts[1], len(response.content)))
    return rows


def first_visit(page):
    """Bytes a phone downloads on its first visit: the HTML gzipped (as PublicGZipMiddleware sends
    it) plus every stylesheet, script and sprite the page names, brotli-compressed as whitenoise
    serves them (.br beside each collected file)."""
    import gzip

    from django.conf import settings
    from django.test import Client

    html = Client().get(page).content
    total = [("HTML (gzip)", len(gzip.compress(html)))]
    urls = re.findall(rb'(?:href|src)="(/static/[^"#]+)', html)
    for url in dict.fromkeys(urls):
        path = Path(settings.STATIC_ROOT) / url.decode()[len("/static/") :]
        for variant in (path.with_name(path.name + ".br"), path.with_name(path.name + ".gz"), path):
            if variant.exists():
                total.append(
                    (url.decode().rsplit("/", 1)[-1] + variant.suffix.replace(path.suffix, ""), variant.stat().st_size)
                )
                break
    return total


def staff_times(pages, requests):
    import resource

    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username="futian"))
    rows = []
    for page in pages:
        times = []
        for _ in range(requests):
            reset_queries()  # DEBUG keeps 9,000 queries: a full log counts 0
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(page)
                times.append(time.perf_counter() - start)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        rows.append(
            (page, response.status_code, statistics.mean(times) * 1000, len(queries), len(response.content), peak)
        )
    return rows


TARGET_RATIO = 0.33
TARGET_COLD_QUERIES = 10
TARGET_FIRST_VISIT_KB = 100
TARGET_P99_MS = 1000


def duration_ms(text):
    """wrk's latency figure ("950.00us", "537.12ms", "1.23s", "2.00m") in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def socket_errors(text):
    """The sum of wrk's "connect 0, read 0, write 0, timeout 12" (requests past wrk's timeout are
    counted here and left out of its latency figures, so they must count as errors)."""
    return sum(int(n) for n in re.findall(r"\d+", text or ""))


def targets(args, rows, counts, first_visit_kb):
    """Each target of issue 15 this run can judge: (met, target, figures); None when not measured."""
    results = []
    hello = [row for row in rows if row[0] == "/bench/hello/"]
    rows = [row for row in rows if row[0] != "/bench/hello/"]
    if rows:
        page, ratio = min(((row[0], row[3]) for row in rows), key=lambda pair: pair[1])
        results.append(
            (
                ratio >= TARGET_RATIO,
                f"every public page at least {TARGET_RATIO}x of hello",
                f"lowest {ratio:.3f}x ({page})",
            )
        )
    else:
        results.append((None, f"every public page at least {TARGET_RATIO}x of hello", "--skip-wrk"))
    page, cold = max(((page, cold) for page, _, cold, _, _ in counts), key=lambda pair: pair[1])
    results.append(
        (
            cold <= TARGET_COLD_QUERIES,
            f"at most {TARGET_COLD_QUERIES} queries cold on public pages",
            f"most {cold} ({page})",
        )
    )
    failing = [page for page, status, *_ in counts if status != 200]
    results.append((not failing, "every public page answers 200", ", ".join(failing) or "all 200"))
    results.append(
        (
            first_visit_kb <= TARGET_FIRST_VISIT_KB,
            f"/ at most {TARGET_FIRST_VISIT_KB} KB compressed on a first visit",
            f"{first_visit_kb:.1f} KB",
        )
    )
    if rows and args.load:
        bad = sum(row[7] for row in rows)
        errors = sum(socket_errors(row[8]) for row in rows)
        results.append(
            (
                bad == 0 and errors == 0,
                f"-c64 for {args.load} s: no errors",
                f"{bad} non-2xx, {errors} socket errors (timeouts included) over {len(rows)} pages",
            )
        )
        page, p99 = max(((row[0], duration_ms(row[6])) for row in rows), key=lambda pair: pair[1])
        results.append(
            (
                p99 < TARGET_P99_MS,
                f"-c64 for {args.load} s: p99 under {TARGET_P99_MS / 1000:g} s",
                f"highest {p99:,.0f} ms ({page}); the hello view itself {duration_ms(hello[0][6]):,.0f} ms",
            )
        )
    else:
        results.append((None, "-c64 for 60 s: no errors, p99 under 1 s", "run with --load 60"))
    return results


def print_targets(results):
    print("\nTargets (issue 15):")
    for met, target, figures in results:
        verdict = "not measured" if met is None else ("met" if met else "NOT met")
        print(f"  {verdict:<12} {target}: {figures}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


def main():
    args = parse_args()
    django_setup()
    from django.conf import settings
    from django.db import connection

    from grids.models import Member

    print(
        f"database {connection.vendor}, cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"page cache {settings.CACHES[settings.PUBLIC_CACHE_ALIAS]['BACKEND'].rsplit('.', 1)[-1]}, "
        f"{Member.objects.count():,} members, load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    pages = public_pages()
    # The hashed names every page links to (and the .br files a first visit is measured with),
    # whether or not gunicorn runs: a fresh clone has none.
    env = os.environ | PRODUCTION_ENV
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    from django.core.cache import caches

    for alias in caches:  # nothing left from another database's run (the file cache outlives it)
        caches[alias].clear()
    rows = []
    if not args.skip_wrk:
        print(f"\nThroughput (gunicorn -w {args.workers}, wrk -c{args.connections} {args.duration}s x {args.rounds}):")
        rows = throughput(args, pages)
        print(
            "\n| page | hello req/s | page req/s | ratio (median) |"
            + (" -c64 req/s | p99 | non-2xx | errors |" if args.load else "")
        )
        print("|---|---|---|---|" + ("---|---|---|---|" if args.load else ""))
        for row in rows:
            line = f"| `{row[0]}` | {row[1]:,.0f} | {row[2]:,.0f} | {row[3]:.3f}x |"
            if args.load:
                line += f" {row[5]:,.0f} | {row[6]} | {row[7]} | {row[8] or 0} |"
            print(line)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(
        "\nQueries per public page (cold cache, then warm):\n\n| page | status | cold | warm | bytes |\n|---|---|---|---|---|"
    )
    counts = query_counts(pages)
    for page, status, cold, warm, size in counts:
        print(f"| `{page}` | {status} | {cold} | {warm} | {size:,} |")
    parts = first_visit("/")
    first_visit_kb = sum(size for _, size in parts) / 1024
    print(f"\nFirst visit to / on a phone: {first_visit_kb:.1f} KB compressed")
    for name, size in parts:
        print(f"  {name}: {size / 1024:.1f} KB")
    if not args.skip_staff:
        print(
            "\nStaff pages as futian (district admin):\n\n| page | status | ms | queries | HTML bytes | peak RSS MB |\n|---|---|---|---|---|---|"
        )
        for page, status, ms, queries, size, peak in staff_times(args.staff, args.staff_requests):
            print(f"| `{page}` | {status} | {ms:,.0f} | {queries} | {size:,} | {peak} |")
    print_targets(targets(args, rows, counts, first_visit_kb))


if __name__ == "__main__":
    main()
