"""Big downloads never inside a request (issue 15): the staff micro-project export runs as a job
above EXPORT_JOB_ROWS, holding exactly the scoped, filtered list; every export decides with a
LIMIT probe, never a COUNT of the whole list; the public 公示 downloads hold at most
PUBLIC_DOWNLOAD_ROWS projects and are served from the public page cache."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grids.models import AuditEntry, AuditKind, Job, JobStatus, Member
from grids.services.members_export import COLUMNS
from grids.services.members_import import import_workbook
from projects.models.micro import MicroCategory
from tests import factory_members as fm
from tests.factory_members import member_row
from tests.factory_micro import approved, make_line, make_project
from tests.factory_volunteer import make_volunteer


def _sheet_rows(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def projects(tree):
    """Three works projects and a goods one in huafu's street, one works project outside it."""
    made = [make_project(tree.community1, title=f"梅岗工程{n}") for n in range(3)]
    made.append(make_project(tree.community1, title="梅岗物资", category=MicroCategory.GOODS))
    made.append(make_project(tree.community2, title="狮岭工程"))
    return made


def test_a_large_staff_micro_export_is_a_job_holding_the_scoped_filtered_list(projects, people, client_for, settings):
    settings.EXPORT_JOB_ROWS = 2
    client = client_for(people.huafu)
    response = client.get(reverse("micro_staff_list"), {"export": "xlsx", "category": MicroCategory.WORKS})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.kind == "export" and job.status == JobStatus.DONE and job.started_by == people.huafu
    assert job.params["only_starter"] and job.params["query"] == "category=works"
    download = client.get(reverse("job_result", args=[job.pk]))
    assert download.status_code == 200
    rows = _sheet_rows(b"".join(download.streaming_content))
    # The outside community's project is not in it, nor the goods project the filter leaves out.
    assert sorted(row[3] for row in rows[1:]) == ["梅岗工程0", "梅岗工程1", "梅岗工程2"]
    assert client_for(people.viewer).get(reverse("job_result", args=[job.pk])).status_code == 403


def test_a_small_staff_micro_export_stays_a_download_in_constant_queries(
    projects, people, client_for, settings, django_assert_num_queries
):
    settings.EXPORT_JOB_ROWS = 10
    client = client_for(people.huafu)
    # Session, user, scope, the LIMIT probe, the rows; the audit trail records the download (two).
    with django_assert_num_queries(7):
        response = client.get(reverse("micro_staff_list"), {"export": "xlsx"})
    assert response.status_code == 200 and not Job.objects.exists()
    titles = sorted(row[3] for row in _sheet_rows(response.content)[1:])
    assert titles == ["梅岗工程0", "梅岗工程1", "梅岗工程2", "梅岗物资"]


def test_the_job_export_answers_in_constant_queries(tree, projects, people, client_for, settings):
    settings.EXPORT_JOB_ROWS = 1
    client = client_for(people.huafu)
    counts = []
    for extra in (0, 5):
        for n in range(extra):
            make_project(tree.community1, title=f"更多{n}")
        with CaptureQueriesContext(connection) as request_queries:
            client.get(reverse("micro_staff_list"), {"export": "xlsx"})
        counts.append(len(request_queries))
    assert counts[0] == counts[1]


def _exports(tree, people):
    today = timezone.localdate()
    period = {"start": today - timedelta(days=30), "end": today}
    return [
        (people.huafu, reverse("micro_staff_list"), {"export": "xlsx"}),
        (people.district_admin, reverse("audit_list"), {"export": "xlsx"}),
        (people.huafu, reverse("member_export", args=[tree.community1.pk]), {}),
        (people.huafu, reverse("volunteer_staff_hours_export"), period),
    ]


@pytest.mark.parametrize("which", range(4))
def test_no_export_decision_counts_the_list(which, tree, projects, people, client_for, settings):
    """A COUNT reads every row of the list (11 s for the audit trail at 10x): the decision is a
    LIMIT probe. Under the threshold nothing else in the request counts either."""
    settings.EXPORT_JOB_ROWS = 1000
    fm.make_member(tree.grid1, name="导出党员")
    make_volunteer(tree.community1, "导出志愿者")
    user, url, query = _exports(tree, people)[which]
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert not Job.objects.exists()
    # QuerySet.count() is `SELECT COUNT(*) AS "__count"` (the hours' per-volunteer COUNTs are columns).
    counted = [q["sql"] for q in queries if '"__count"' in q["sql"]]
    assert counted == []


@pytest.fixture
def published(tree):
    line = make_line(tree.district)
    return [
        approved(make_project(tree.community1 if n % 2 else tree.community2, title=f"公示{n}"), line) for n in range(3)
    ]


@pytest.mark.parametrize("name", ["micro_csv", "micro_xlsx"])
def test_a_public_download_over_the_limit_asks_for_a_street_and_a_year(name, published, client, settings):
    settings.PUBLIC_DOWNLOAD_ROWS = 2
    response = client.get(reverse(name))
    assert response.status_code == 200 and not response.has_header("Content-Disposition")
    body = response.content.decode()
    assert "每次下载最多包含 2 个项目" in body and "公示" not in body.replace("公示名单", "")
    # A street's list is within the limit: the file.
    small = client.get(reverse(name), {"street": published[1].community.parent_id})
    assert small.has_header("Content-Disposition") and small.status_code == 200
    listing = client.get(reverse("micro_list")).content.decode()
    assert reverse(name) not in listing and "每次下载最多包含 2 个项目" in listing


@pytest.mark.parametrize("name", ["micro_csv", "micro_xlsx"])
def test_a_public_download_is_served_from_the_page_cache_until_the_data_changes(
    name, tree, published, client, django_assert_num_queries
):
    first = client.get(reverse(name))
    assert first.status_code == 200
    # From the cache: no query but the audit trail's record of the download; the same file,
    # under the same name.
    with django_assert_num_queries(1):
        again = Client().get(reverse(name))
    assert again.content == first.content and again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"] == first["Content-Type"]
    assert AuditEntry.objects.filter(kind=AuditKind.EXPORT).count() == 2
    approved(make_project(tree.community1, title="新公示项目"), make_line(tree.district))
    fresh = Client().get(reverse(name))
    assert fresh.content != first.content


def test_a_public_download_for_staff_is_written_fresh(published, people, client_for, django_assert_max_num_queries):
    client = client_for(people.huafu)
    client.get(reverse("micro_csv"))
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("micro_csv"))
    assert any("micro" in q["sql"].lower() for q in captured.captured_queries)


def test_a_filled_member_template_imports(tree, people, client_for):
    """The template is written in openpyxl's write-only mode: Excel's way of filling it (a row
    typed under the header, saved) still imports."""
    content = client_for(people.huafu).get(reverse("member_import_template", args=[tree.street1.pk])).content
    book = load_workbook(io.BytesIO(content))
    row = member_row(7)
    book.worksheets[0].append([row.get(key, "") for key, *_rest in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_workbook(io.BytesIO(buffer.getvalue()), user=people.huafu)
    assert result.ok, result.errors
    assert result.created == 1 and Member.objects.get(name="党员7").unit == tree.grid1


def test_the_member_template_is_written_once_per_version_of_the_units(tree, people, client_for):
    def listed(user, unit):
        book = load_workbook(
            io.BytesIO(client_for(user).get(reverse("member_import_template", args=[unit.pk])).content)
        )
        if "单位" not in book.sheetnames:  # no unit to import into: no list of them
            return []
        return [row[0] for row in book["单位"].iter_rows(min_row=2, values_only=True)]

    with CaptureQueriesContext(connection) as written:
        first = listed(people.huafu, tree.street1)
    with CaptureQueriesContext(connection) as again:
        assert listed(people.huafu, tree.street1) == first
    # The units' list is read once: the second answer comes from the cache.
    assert [q for q in written if '"grids_unit"."level" IN' in q["sql"]]
    assert not [q for q in again if '"grids_unit"."level" IN' in q["sql"]]
    # A 查看 of 华富街道 may edit none of them: not huafu's file from the cache, an empty list.
    assert first and listed(people.viewer, tree.street1) == []
    tree.grid1.name = "第一网格"
    tree.grid1.save()
    assert any("第一网格" in path for path in listed(people.huafu, tree.street1))


def test_a_posts_template_imports_back(tree, people, client_for):
    from grids.services import bulk_import

    content = client_for(people.huafu).get(reverse("posts_import_template", args=[tree.community1.pk])).content
    book = load_workbook(io.BytesIO(content))
    book.worksheets[0]["A2"] = "第1网格/11栋"  # the example's building group, as the demo names it
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = bulk_import.run_import(
        bulk_import.IMPORTERS["posts"], buffer, user=people.huafu, unit=tree.community1, dry_run=True
    )
    assert outcome.rows == 1 and not outcome.errors, outcome.errors


def test_only_public_files_really_written_count_against_the_rate_limit(published, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "download": "2/h"}
    url = reverse("micro_csv")
    assert client.get(url).status_code == 200
    assert client.get(url, {"category": MicroCategory.WORKS}).status_code == 200
    assert client.get(url, {"category": MicroCategory.GOODS}).status_code == 429  # a third file written
    assert client.get(url).status_code == 200  # the first, from the cache: not counted
