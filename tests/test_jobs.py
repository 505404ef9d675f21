"""Background jobs: lifecycle, the 任务 pages in the scope, progress JSON, a worker restart, purge."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from grids.models import Job, JobStatus, Unit
from grids.services import jobs
from portal.core import pagecache
from tests import jobs_for_tests  # noqa: F401 (registers test_slow in this process)

ROOT = Path(__file__).resolve().parent.parent


def _job(tree, user, **fields):
    return Job.objects.create(kind="coverage", title="覆盖分析", unit=tree.community1, started_by=user, **fields)


def test_lifecycle_runs_once_and_records_the_outcome(tree, people):
    job = jobs.start_job(
        "test_slow",
        user=people.huafu,
        unit=tree.grid1,
        title="慢",
        params={"steps": 2, "pause": 0, "grid": tree.grid1.pk},
    )
    assert job.status == JobStatus.DONE and job.attempts == 1
    assert (job.done, job.total) == (2, 2) and job.summary == {"created": 2}
    assert job.started_by == people.huafu and job.started_at and job.finished_at
    assert Unit.objects.filter(name__startswith="慢任务").count() == 2
    jobs.run_job.call(job.pk)  # a second delivery does nothing
    assert Unit.objects.filter(name__startswith="慢任务").count() == 2


def test_a_finished_job_retires_every_cached_public_figure(tree, people):
    # A job may write with bulk_create (no signals): the cache of every public app is retired,
    # not only the tags of the models whose saves happened to send a signal.
    before = pagecache.versions(["projects", "projects.volunteer", "centers.center"])
    jobs.start_job(
        "test_slow",
        user=people.huafu,
        unit=tree.grid1,
        title="慢",
        params={"steps": 1, "pause": 0, "grid": tree.grid1.pk},
    )
    after = pagecache.versions(["projects", "projects.volunteer", "centers.center"])
    assert all(old != new for old, new in zip(before, after, strict=True))


def test_a_job_that_only_reads_leaves_the_cached_figures_and_the_tallies_current(tree, people):
    # An export or the coverage analysis writes nothing but its job: retiring every cached figure
    # after it made the dashboards count a million members again at 10× (their tallies stale).
    tags = ["projects", "grids.member", "centers.center"]
    before = pagecache.versions(tags)
    job = jobs.start_job("coverage", user=people.district_admin, unit=tree.district, title="1 km")
    assert job.status == JobStatus.DONE and not jobs.KINDS["coverage"].writes
    assert pagecache.versions(tags) == before


def test_a_superseded_run_writes_nothing(tree, people):
    job = _job(tree, people.huafu, status=JobStatus.RUNNING, token="old")
    ctx = jobs.Context(job, "old")
    Job.objects.filter(pk=job.pk).update(token="new")  # recovered and claimed by another worker
    with pytest.raises(jobs.Superseded):
        with ctx.finishing():
            Unit.objects.create(name="不该写入", level=Unit.objects.get(pk=tree.building1.pk).level, parent=tree.grid1)
    assert not Unit.objects.filter(name="不该写入").exists()
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING


def test_jobs_page_lists_exactly_the_scope(tree, people, client_for):
    inside = _job(tree, people.huafu)
    outside = Job.objects.create(kind="coverage", title="莲花的任务", unit=tree.community2)
    html = client_for(people.huafu).get(reverse("job_list")).content.decode()
    assert inside.title in html and outside.title not in html
    client = client_for(people.huafu)
    for name in ("job_detail", "job_progress"):
        assert client.get(reverse(name, args=[inside.pk])).status_code == 200
        assert client.get(reverse(name, args=[outside.pk])).status_code == 404


def test_progress_json(tree, people, client_for):
    job = _job(tree, people.huafu, status=JobStatus.RUNNING, done=30, total=120)
    client = client_for(people.huafu)
    data = client.get(reverse("job_progress", args=[job.pk])).json()
    assert data == {
        "status": "running",
        "status_label": "进行中",
        "finished": False,
        "done": 30,
        "total": 120,
        "percent": 25,
    }
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    assert client.get(reverse("job_progress", args=[job.pk])).json()["percent"] == 100
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "grids/job-progress.js" in page and "<script>" not in page


def test_a_job_of_a_dead_worker_is_queued_again(tree, people):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    job = _job(tree, people.huafu, status=JobStatus.RUNNING, worker=f"{jobs.socket.gethostname()}:{dead.pid}")
    alive = _job(tree, people.huafu, status=JobStatus.RUNNING, worker=f"{jobs.socket.gethostname()}:{os.getpid()}")
    far = _job(tree, people.huafu, status=JobStatus.RUNNING, worker="other-host:1", heartbeat_at=timezone.now())
    assert jobs.recover_stale_jobs() == [job.pk]  # queued again, and run at once under pytest
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
    assert Job.objects.get(pk=alive.pk).status == JobStatus.RUNNING
    later = timezone.now() + timedelta(seconds=settings.JOBS_STALE_AFTER + 1)
    assert jobs.recover_stale_jobs(now=later) == [far.pk]  # silent too long on another machine


def test_purge_after_seven_days(tree, people):
    now = timezone.now()
    old = _job(tree, people.huafu, status=JobStatus.DONE, finished_at=now - timedelta(days=7, minutes=1))
    kept = _job(tree, people.huafu, status=JobStatus.DONE, finished_at=now - timedelta(days=6, hours=23))
    running = _job(tree, people.huafu, status=JobStatus.RUNNING)
    assert jobs.purge_jobs(now=now) == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {kept.pk, running.pk}
    assert old.pk not in Job.objects.values_list("pk", flat=True)
    assert "purge_jobs" in jobs.SCHEDULE


def _worker(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "jobs_worker", "--interval", "0.1", "--no-startup-delay", "-v0"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_killed_half_way_and_another_finishes_exactly_once(tree, people, settings):
    """The database queue with real worker processes: kill -9 the first mid-job, start another."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database it can share (the SQLite test database is in memory)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    db = connection.settings_dict
    env = {
        **os.environ,
        "JOBS_WORKER": "1",
        "JOBS_EXTRA_MODULES": "tests.jobs_for_tests",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    params = {"steps": 8, "pause": 0.5, "grid": tree.grid1.pk}
    job = jobs.start_job("test_slow", user=people.huafu, unit=tree.grid1, title="慢", params=params)
    assert job.status == JobStatus.QUEUED
    first = _worker(env)
    try:
        deadline = time.monotonic() + 60
        while Job.objects.get(pk=job.pk).done < 2:
            assert time.monotonic() < deadline, "the first worker never started the job"
            time.sleep(0.1)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING
        second = _worker(env)
        try:
            while not Job.objects.get(pk=job.pk).finished:
                assert time.monotonic() < deadline + 60, "the second worker never finished the job"
                time.sleep(0.2)
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(20)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert job.summary == {"created": 8}
    assert Unit.objects.filter(name__startswith="慢任务").count() == 8
