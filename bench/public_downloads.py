"""The public 公示 downloads (/micro-projects/export.csv|.xlsx) as an anonymous visitor, on an
already-seeded database (issue 15): per URL the status, the first request (cold: written), the
second (from the page cache where the code has one), the bytes, the request's peak of Python
memory (tracemalloc, in a third request with the cache emptied) and the growth of the process's
peak RSS in the first.

    python bench/public_downloads.py --database-url postgres://postgres@127.0.0.1:5432/portal_scale1

Read-only: one transaction rolled back at the end (each download's audit entry is never
committed); the page cache is a temporary directory. `--root` runs another checkout's code.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--once", action="store_true", help="one request per URL (a whole list at 10x takes minutes)")
    return parser.parse_args()


def setup(args):
    sys.path.insert(0, args.root)
    os.chdir(args.root)
    os.environ.update(
        DATABASE_URL=args.database_url,
        DEBUG="1",  # the seeded data was encrypted with the development keys
        PUBLIC_CACHE_DIR=tempfile.mkdtemp(prefix="bench-pages-"),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def urls():
    from django.urls import reverse
    from django.utils import timezone

    from grids.models import Level, Unit
    from projects.models.micro import MicroProject

    street = Unit.objects.filter(level=Level.STREET).order_by("path").first()
    year = timezone.localdate().year
    public = MicroProject.objects.public()
    print(
        f"{public.count():,} public projects; {year}: {public.proposed_in(year).count():,}; "
        f"{street.name} {year}: {public.under(street).proposed_in(year).count():,}"
    )
    found = []
    for name in ("micro_csv", "micro_xlsx"):
        found += [reverse(name), f"{reverse(name)}?year={year}", f"{reverse(name)}?street={street.pk}&year={year}"]
    return found


def request(client, url):
    started = time.perf_counter()
    response = client.get(url)
    size = len(response.content) if not response.streaming else sum(len(part) for part in response.streaming_content)
    return response.status_code, (time.perf_counter() - started) * 1000, size, response.get("Content-Type", "")


def main():
    args = parse_args()
    setup(args)
    from django.core.cache import caches
    from django.db import transaction
    from django.test import Client

    from portal.core import pagecache

    print(f"code {args.root}, database {args.database_url.rsplit('/', 1)[-1]}")
    with transaction.atomic():
        for url in urls():
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            status, cold, size, kind = request(Client(), url)
            grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss
            warm = peak = float("nan")
            if not args.once:
                _s, warm, _size, _k = request(Client(), url)
                pagecache.store().clear()
                caches["default"].clear()  # the rate limit's counters
                tracemalloc.start()
                request(Client(), url)
                peak = tracemalloc.get_traced_memory()[1] / 1e6
                tracemalloc.stop()
            pagecache.store().clear()
            caches["default"].clear()
            print(
                f"{url:60} {status} {kind.split(';')[0][-20:]:>20} cold {cold:9,.0f} ms | again {warm:8,.0f} ms"
                f" {size / 1e3:10,.1f} KB  peak {peak:7.1f} MB (RSS +{grown:,.0f} MB)"
            )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
