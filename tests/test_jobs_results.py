"""Jobs' result files (issue 10, §1): large exports run as jobs, their .xlsx is kept with the
job, downloaded through a scoped route (recorded like every download), purged after 7 days;
progress written inside the job's transaction is visible to another process."""

import io
from datetime import timedelta

from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grids.models import AuditEntry, AuditKind, Job, JobStatus, Role
from grids.services import jobs
from tests import factory_members as fm
from tests.factory import make_user


def _sheet_rows(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [row for row in sheet.iter_rows(values_only=True)]


def _members(tree, n):
    return [fm.make_member(tree.grid1, name=f"导出党员{i}") for i in range(n)]


def test_a_small_export_stays_immediate(tree, people, client_for, settings):
    settings.EXPORT_JOB_ROWS = 5
    _members(tree, 3)
    response = client_for(people.huafu).get(reverse("member_export", args=[tree.community1.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert not Job.objects.exists()


def test_a_large_member_export_runs_as_a_job_with_its_file(tree, people, client_for, settings):
    settings.EXPORT_JOB_ROWS = 2
    _members(tree, 3)
    fm.make_member(tree.grid2, name="莲花党员")
    client = client_for(people.huafu)
    response = client.get(reverse("member_export", args=[tree.street1.pk]), {"category": "registered"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.kind == "export" and job.started_by == people.huafu
    assert job.params["query"] == "category=registered"
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert reverse("job_result", args=[job.pk]) in page
    download = client.get(reverse("job_result", args=[job.pk]))
    assert download.status_code == 200 and download["Cache-Control"].startswith("no-store")
    rows = _sheet_rows(b"".join(download.streaming_content))
    names = sorted(row[0] for row in rows[1:])
    assert names == ["导出党员0", "导出党员1", "导出党员2"]  # the scope's, not 莲花's
    assert all("*" in row[4] for row in rows[1:])  # masked, as the GET export
    recorded = AuditEntry.objects.filter(kind=AuditKind.EXPORT, actor=people.huafu).latest("pk")
    assert recorded.additional_data["path"] == reverse("job_result", args=[job.pk])


def test_the_result_file_is_scoped(tree, people, client_for, settings):
    settings.EXPORT_JOB_ROWS = 1
    _members(tree, 2)
    client_for(people.huafu).get(reverse("member_export", args=[tree.community1.pk]))
    job = Job.objects.get()
    url = reverse("job_result", args=[job.pk])
    assert client_for(people.lianhua).get(url).status_code == 404
    assert client_for(people.viewer).get(url).status_code == 200
    assert client_for(people.nobody).get(url).status_code == 404
    # A file with full numbers: only a 管理员 of the unit downloads it.
    Job.objects.filter(pk=job.pk).update(params={**job.params, "full": True, "need": "manage"})
    assert client_for(people.viewer).get(url).status_code == 403
    assert client_for(people.huafu).get(url).status_code == 403
    assert client_for(people.district_admin).get(url).status_code == 200


def test_a_full_export_job_reveals_for_an_admin_only(tree, people, client_for, settings):
    settings.EXPORT_JOB_ROWS = 1
    members = _members(tree, 2)
    client = client_for(people.district_admin)
    response = client.post(reverse("member_export", args=[tree.community1.pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and job.params["need"] == "manage"
    rows = _sheet_rows(b"".join(client.get(reverse("job_result", args=[job.pk])).streaming_content))
    numbers = sorted(row[4] for row in rows[1:])
    assert [number[-4:] for number in numbers] == sorted(member.id_card_masked[-4:] for member in members)
    assert all(len(number) == 18 and "*" not in number for number in numbers)


def test_a_large_audit_export_runs_as_a_job(tree, people, client_for, settings):
    settings.EXPORT_JOB_ROWS = 1
    _members(tree, 3)  # each creation is an entry of the trail
    client = client_for(people.district_admin)
    response = client.get(reverse("audit_list"), {"export": "xlsx"})
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.DONE
    rows = _sheet_rows(b"".join(client.get(reverse("job_result", args=[job.pk])).streaming_content))
    assert len(rows) - 1 == list(job.summary.values())[0] >= 3
    # Another 管理员 whose scope holds the job's unit: the file may hold more than their scope.
    assert job.params["only_starter"] and job.unit == tree.district
    other = make_user("other_admin", tree.district, Role.ADMIN)
    assert client_for(other).get(reverse("job_result", args=[job.pk])).status_code == 403


def test_the_file_is_purged_with_the_job_after_seven_days(tree, people, client_for, settings):
    settings.EXPORT_JOB_ROWS = 1
    _members(tree, 2)
    client_for(people.huafu).get(reverse("member_export", args=[tree.community1.pk]))
    job = Job.objects.get()
    storage, name = job.result_file.storage, job.result_file.name
    assert storage.exists(name)
    now = timezone.now()
    assert jobs.purge_jobs(now=now + timedelta(days=6)) == 0 and storage.exists(name)
    assert jobs.purge_jobs(now=now + timedelta(days=7, minutes=1)) == 1
    assert not storage.exists(name) and not Job.objects.exists()


def test_progress_inside_the_jobs_transaction_reaches_another_process(tree, people):
    """The worker writes its rows in one transaction: the web server reads the progress from
    the shared progress cache (Redis, or files), not the worker's memory."""
    job = Job.objects.create(kind="coverage", title="覆盖", unit=tree.community1, status=JobStatus.RUNNING, token="t")
    ctx = jobs.Context(job, "t")
    elsewhere = caches.create_connection("progress")  # what another process opens
    with ctx.finishing():
        ctx.progress(40, 100)
        assert elsewhere.get(jobs.progress_key(job.pk)) in ((40, 100), [40, 100])
    assert "locmem" not in type(elsewhere).__module__


def test_a_large_hours_export_runs_as_a_job_for_its_starter_only(tree, people, client_for, settings):
    from tests.factory_volunteer import make_activity, make_project, make_record, make_volunteer

    settings.EXPORT_JOB_ROWS = 1
    mine = [make_volunteer(tree.community1, f"志愿者{i}") for i in range(2)]
    make_record(make_activity(make_project(tree.community1), days=-3), mine[0], "2.50")
    make_volunteer(tree.community2, "狮岭人")
    today = timezone.localdate()
    client = client_for(people.huafu)
    period = {"start": today - timedelta(days=30), "end": today}
    response = client.get(reverse("volunteer_staff_hours_export"), period)
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.DONE and job.params["only_starter"]
    rows = _sheet_rows(b"".join(client.get(reverse("job_result", args=[job.pk])).streaming_content))
    names = [row[0] for row in rows[2:-1]]
    assert sorted(names) == ["志愿者0", "志愿者1"]
    assert client_for(people.viewer).get(reverse("job_result", args=[job.pk])).status_code == 403
