"""Benchmark of the member import as a background job (issue 10, §4): a 全国党员管理信息系统-style
roster of N rows (a title row above the national headers, Excel dates as serials, mobiles stored
as numbers the way Excel keeps a typed number, some month-only dates `2001.07`, numeric dates
20010701, landlines, full-width digits, blank 民族), previewed then imported as jobs run by a
real `manage.py jobs_worker` process, as in production.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/members_import_job.py \\
        [--rows 3853 100000] [--user futian] [--kill-halfway]

Needs the demo district (`manage.py seed_demo`) and Redis (the worker reports progress through
the cache, which the bench reads like the job page does). For each size it prints: the time
start_job takes (what the upload request waits for), the preview's and the import's job time,
the worker's peak resident memory (VmHWM), the progress values seen while it ran, and the
members written. With --kill-halfway the worker is killed (SIGKILL) once progress passes half,
a new worker is started, and the bench checks every row was still imported exactly once.
The members it wrote are deleted afterwards, so it can be run again.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JOBS_BACKEND", "database")
os.environ["JOBS_WORKER"] = "1"
sys.path.insert(0, str(ROOT / "bench"))

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files import File  # noqa: E402
from django.db import connection  # noqa: E402
from members_import import fake_id, write_excel_like  # noqa: E402  (sets Django up)

from grids.models import Level, Member, Unit  # noqa: E402
from grids.services.jobs import KINDS, progress_of, start_job  # noqa: E402
from grids.services.tree import attach_full_names  # noqa: E402

NATIONAL = ["姓名", "性别", "民族", "公民身份号码", "出生日期", "学历", "人员类别", "入党时间", "转正时间"]
NATIONAL += ["所在党支部", "联系电话", "家庭住址", "工作单位"]
EDUCATION = ["大学专科", "中等专科", "大学本科", "硕士研究生", "博士研究生", "高中", "初中"]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def national_rows(rows, paths, title):
    yield [title]
    yield NATIONAL
    for n in range(rows):
        birth = date(1950 + n % 50, 1 + n % 12, 1 + n % 28)
        probationary = n % 25 == 0
        joined = date(birth.year + 25, 7, 1)
        joined_cell = joined
        if n % 27 == 0:
            joined_cell = f"{joined.year}.07"  # month only
        elif n % 31 == 0:
            joined_cell = int(f"{joined:%Y%m%d}")  # 20010701 as a number
        id_card = fake_id(n, birth)
        yield [
            f"测　试{n}" if n % 50 == 0 else f"测试{n}",
            "男" if n % 2 else "女",
            "" if n % 20 == 0 else "汉族",
            id_card.translate(FULL_WIDTH) if n % 100 == 7 else id_card,
            birth,
            EDUCATION[n % len(EDUCATION)],
            "预备党员" if probationary else "正式党员",
            joined_cell,
            None if probationary else date(birth.year + 26, 7, 1),
            paths[n % len(paths)],
            f"0510-85{n % 1000000:06d}" if n % 43 == 0 else int(f"139{n:08d}"),  # a typed mobile is a number
            "某小区",
            "某单位",
        ]


def peak_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def worker():
    command = [sys.executable, str(ROOT / "manage.py"), "jobs_worker", "--queue-name", "*", "--interval", "0.2"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_job(kind, path, *, user, unit, kill_halfway=False):
    started = time.perf_counter()
    with open(path, "rb") as handle:
        job = start_job(kind, user=user, unit=unit, title=f"bench {path.name}", upload=File(handle, name=path.name))
    queued = time.perf_counter() - started
    process, peak, seen, killed = worker(), 0, [], False
    began = time.perf_counter()
    try:
        while True:
            job.refresh_from_db()
            done, total = progress_of(job)
            if not seen or seen[-1] != done:
                seen.append(done)
            peak = max(peak, peak_kb(process.pid) or 0)
            if job.finished:
                break
            if kill_halfway and not killed and total and done > total / 2:
                process.send_signal(signal.SIGKILL)
                process.wait()
                killed = True
                process = worker()  # finds the job stale (its worker gone) and runs it again
            time.sleep(0.25)
    finally:
        process.terminate()
        process.wait()
    return job, queued, time.perf_counter() - began, peak, seen, killed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[3853, 100_000])
    parser.add_argument("--user", default="futian")
    parser.add_argument("--kill-halfway", action="store_true")
    parser.add_argument("--no-preview", action="store_true", help="Only the import job (as on main, which has none).")
    args = parser.parse_args()
    user = get_user_model().objects.get(username=args.user)
    units = attach_full_names(Unit.objects.filter(level__in=[Level.GRID, Level.BUILDING]).order_by("path"))
    paths = [unit.full_name_text.replace(" / ", "/") for unit in units]
    root = Unit.objects.filter(level=Level.DISTRICT).first()
    kinds = [kind for kind in ("members_preview", "members_import") if kind in KINDS]
    if args.no_preview:
        kinds = ["members_import"]
    for rows in args.rows:
        path = Path(f"/tmp/bench-national-{rows}.xlsx")
        write_excel_like(path, national_rows(rows, paths, "福田区党员花名册"), columns=len(NATIONAL), rows=rows + 2)
        print(f"{rows} rows: national-style roster {path.stat().st_size / 1e6:.1f} MB")
        since = Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for kind in kinds:
            halfway = args.kill_halfway and kind == "members_import"
            job, queued, took, peak, seen, killed = run_job(kind, path, user=user, unit=root, kill_halfway=halfway)
            steps = len(seen)
            print(
                f"  {kind}: start_job {queued * 1000:.0f} ms; job {took:.1f} s; status {job.status}; "
                f"summary {job.summary}; problems {len(job.errors)}; worker peak RSS {peak / 1024:.0f} MB; "
                f"progress seen {steps} values ({seen[:3]} … {seen[-3:]}){'; worker killed half way' if killed else ''}"
            )
            for error in job.errors[:5]:
                print(f"    row {error['row']} · {error['column']} · {error['message']}")
        written = Member.objects.filter(pk__gt=since)
        print(
            f"  members written: {written.count()} (distinct IDs {written.values('id_card_hash').distinct().count()})"
        )
        with connection.cursor() as cursor:  # the bench's rows: no history points at them yet
            cursor.execute(f"DELETE FROM {Member._meta.db_table} WHERE id > %s", [since])


if __name__ == "__main__":
    main()
