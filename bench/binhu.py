"""Benchmark of issue 10, §4: the 滨湖世纪社区 case from workbooks, end to end (domain article 002:
189 building Party groups, 3,853 members reported to them, 1,216 posts claimed).

    .venv/bin/python bench/binhu.py [--grids 12 --buildings 189 --members 3853 --claims 1216]

Every step goes through what staff use: the units workbook (preview job, then the confirmed
import job), the member import job (our template format), posts for every building group from
three patterns (567 posts), the reports workbook and the claims workbook (preview and import
jobs each). Jobs run in this process (the immediate backend), so the time of each is the
worker's time. Without DATABASE_URL it uses a fresh SQLite file in /tmp (migrated first); with
DATABASE_URL, give it a scratch database: it refuses one that already holds 滨湖世纪社区.
Prints each job's time, the rows, and the total.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["JOBS_BACKEND"] = "immediate"
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.gettempdir()}/binhu-bench-{os.getpid()}.sqlite3"
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="binhu-media-"))

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from grids.models import Assignment, Level, PostKind, Role, Unit  # noqa: E402
from grids.services import bulk_import, posts_io  # noqa: E402
from grids.services.jobs import start_job  # noqa: E402
from grids.services.members_export import COLUMNS  # noqa: E402
from grids.services.members_import_job import KIND as MEMBERS_IMPORT  # noqa: E402
from portal.core.personal import id_check_character  # noqa: E402

ESTATES = [
    "徽杰苑",
    "伊顿公馆",
    "金色池塘",
    "滨湖和园",
    "滨湖惠园",
    "滨湖康园",
    "滨湖寿春",
    "滨湖顺园",
    "云谷",
    "天门湖",
    "塘西河",
    "洞庭湖",
]
PATTERNS = [
    ("{楼栋}平安巡逻岗", PostKind.SAFETY_PATROL),
    ("{楼栋}垃圾分类督导岗", PostKind.WASTE_SORTING),
    ("{楼栋}关爱帮扶岗", PostKind.CARE),
]


def fake_id(n, birth):
    # Address code 97xxxx: belongs to no region (the demo seeder uses 99xxxx, the import bench 98xxxx).
    first17 = f"97{n // 1000 % 10000:04d}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_character(first17)


def xlsx(header, rows, *, title=None):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def layout(grids, buildings):
    """[(grid name, building name)]: the building groups spread over the grids, one estate each."""
    return [(f"第{b % grids + 1}网格", f"{ESTATES[b % grids]}{b // grids + 1}号楼") for b in range(buildings)]


class Clock:
    def __init__(self):
        self.rows = []

    def job(self, label, job):
        seconds = (job.finished_at - job.started_at).total_seconds()
        self.rows.append((label, job.total, seconds))
        status = "" if job.status == "done" else f"  {job.status}: {job.errors[:3] or job.summary}"
        print(f"{label:<34} {job.total:>6} rows {seconds:>7.2f} s{status}", flush=True)
        if job.status != "done":
            sys.exit(1)
        return job

    def step(self, label, rows, seconds):
        self.rows.append((label, rows, seconds))
        print(f"{label:<34} {rows:>6} rows {seconds:>7.2f} s", flush=True)


def imported(clock, name, label, *, user, unit, content):
    upload = SimpleUploadedFile(f"{name}.xlsx", content)
    preview = clock.job(f"{label}: preview", bulk_import.start_import(name, user=user, unit=unit, upload=upload))
    upload = SimpleUploadedFile(f"{name}.xlsx", content)
    job = bulk_import.start_import(name, user=user, unit=unit, upload=upload, preview=False)
    clock.job(f"{label}: import", job)
    return preview, job


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=12)
    parser.add_argument("--buildings", type=int, default=189)
    parser.add_argument("--members", type=int, default=3853)
    parser.add_argument("--claims", type=int, default=1216)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if Unit.objects.filter(name="滨湖世纪社区").exists():
        sys.exit("This database already holds 滨湖世纪社区: give the benchmark a scratch database.")
    district = Unit.objects.create(level=Level.DISTRICT, name="包河区")
    street = Unit.objects.create(level=Level.STREET, name="滨湖世纪城街道", parent=district)
    community = Unit.objects.create(
        level=Level.COMMUNITY, name="滨湖世纪社区", parent=street, org_name="滨湖世纪社区党委"
    )
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("binhu_bench", is_staff=True)
    Assignment.objects.create(user=user, unit=community, role=Role.ADMIN)
    clock = Clock()
    started = time.perf_counter()

    # 1. The tree: grids and building groups.
    places = layout(args.grids, args.buildings)
    unit_rows = [
        [f"第{g + 1}网格", "网格", "", f"第{g + 1}网格党支部", "网格党支部", "", None, None] for g in range(args.grids)
    ]
    unit_rows += [
        [building, "楼栋", grid, f"{building}党小组", "楼栋党小组", "", 31.74 + i * 0.0001, 117.28 + i * 0.0001]
        for i, (grid, building) in enumerate(places)
    ]
    header = bulk_import.headers(bulk_import.IMPORTERS["units"])
    imported(
        clock,
        "units",
        "units",
        user=user,
        unit=community,
        content=xlsx(header, unit_rows, title="滨湖世纪社区网格和楼栋"),
    )

    # 2. The members, in-service, each managed at their building group (our template's format).
    members = []
    rows = []
    for n in range(args.members):
        grid, building = places[n % len(places)]
        birth = date(1960 + n % 40, 1 + n % 12, 1 + n % 28)
        id_card = fake_id(n, birth)
        members.append((id_card, grid, building))
        rows.append(
            [
                f"党员{n}",
                "男" if n % 2 else "女",
                "汉族",
                birth,
                id_card,
                f"139{n:08d}",
                "本科",
                date(birth.year + 25, 7, 1),
                date(birth.year + 26, 7, 1),
                "正式党员",
                "在职报到",
                "某单位",
                "某小区",
                f"包河区/滨湖世纪城街道/滨湖世纪社区/{grid}/{building}",
                "",
            ]
        )
    content = xlsx([str(label) for _key, label, _required, _width in COLUMNS], rows)
    job = start_job(
        MEMBERS_IMPORT, user=user, unit=community, title="members", upload=SimpleUploadedFile("m.xlsx", content)
    )
    clock.job("members: import", job)

    # 3. Posts for every building group from three patterns.
    begun = time.perf_counter()
    made = 0
    for pattern, kind in PATTERNS:
        plan = posts_io.plan_posts(user=user, unit=community, pattern=pattern, kind=kind, capacity=3)
        made += posts_io.create_posts(plan)
    clock.step("posts: from 3 patterns", made, time.perf_counter() - begun)

    # 4. Reports: every member to their building group.
    header = bulk_import.headers(bulk_import.IMPORTERS["reports"])
    report_rows = [[id_card, "", "", f"{grid}/{building}", date(2016, 6, 1)] for id_card, grid, building in members]
    imported(clock, "reports", "reports", user=user, unit=community, content=xlsx(header, report_rows))

    # 5. Claims: the first members, each on a post of their own building group.
    header = bulk_import.headers(bulk_import.IMPORTERS["claims"])
    claim_rows = []
    for n, (id_card, grid, building) in enumerate(members[: args.claims]):
        pattern, _kind = PATTERNS[(n // len(places)) % len(PATTERNS)]
        claim_rows.append(
            [id_card, "", "", f"{grid}/{building}/{pattern.replace('{楼栋}', building)}", date(2016, 7, 1)]
        )
    imported(clock, "claims", "claims", user=user, unit=community, content=xlsx(header, claim_rows))

    jobs_time = sum(seconds for _label, _rows, seconds in clock.rows)
    print(f"{'total (jobs and posts)':<34} {'':>6}      {jobs_time:>7.2f} s")
    print(f"{'wall clock (with workbooks)':<34} {'':>6}      {time.perf_counter() - started:>7.2f} s")
    counts = {
        "building groups": Unit.objects.under(community).filter(level=Level.BUILDING).count(),
        "members": community_count(community, "member"),
        "reports": community_count(community, "report"),
        "posts": community_count(community, "post"),
        "claims": community_count(community, "claim"),
    }
    print(", ".join(f"{n} {what}" for what, n in counts.items()))


def community_count(community, what):
    from grids.models import Member, PostClaim, Report, ServicePost

    return {
        "member": Member.objects.under(community),
        "report": Report.objects.under(community),
        "post": ServicePost.objects.filter(unit__path__startswith=community.path),
        "claim": PostClaim.objects.filter(post__unit__path__startswith=community.path),
    }[what].count()


if __name__ == "__main__":
    main()
