"""Background jobs: a registry of job kinds, starting, running, progress, recovery and purge.

The queue is django-tasks with its database backend (django-tasks-db): one task, `run_job`,
runs any job by its kind. Apps register their kinds in code (`@register("members_import")` in
their services, imported by their AppConfig.ready), so grids never imports centers or projects.

Exactly once: a run claims the job with a fresh token; the handler does its writes inside
`ctx.finishing()`, one transaction that also saves the outcome and first checks, under a row
lock, that the token is still ours. A worker killed half way leaves the job "running"; the next
worker (`manage.py jobs_worker`) finds it stale (its process gone, or no heartbeat for
JOBS_STALE_AFTER seconds) and queues it again; a late commit of the old run is refused.
"""

import os
import socket
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from portal.core import pagecache

from ..models import Job, JobStatus

KINDS = {}
KEEP_DAYS = 7
# Scheduled work, declared in code: name -> (function, every). Run by `manage.py jobs_worker`.
SCHEDULE = {}


@dataclass
class Kind:
    name: str
    handler: object
    label: str
    writes: bool = True  # writes records in bulk: the cached public pages and figures retire after it


def register(name, label, *, writes=True):
    """Declare a kind of job. `writes=False` for a job that only reads (an export, a preview, an
    analysis kept on the job itself): finishing it leaves the cache and the dashboards' tallies
    current, where a bulk write retires them all."""

    def decorate(handler):
        KINDS[name] = Kind(name, handler, label, writes)
        return handler

    return decorate


def scheduled(name, every):
    def decorate(function):
        SCHEDULE[name] = (function, every)
        return function

    return decorate


class Superseded(Exception):
    """Another run of the job has taken over (this worker was thought dead)."""


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}"


def start_job(kind, *, user, unit, title, params=None, upload=None):
    """Record a job and queue it. Returns the Job (already finished under the immediate backend)."""
    if kind not in KINDS:
        raise LookupError(kind)
    job = Job(kind=kind, title=title[:200], unit=unit, started_by=user, params=params or {})
    if upload is not None:
        job.input_file.save(os.path.basename(upload.name) or "upload", upload, save=False)
    job.save()
    run_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def progress_key(pk):
    return f"job-progress:{pk}"


def progress_cache():
    """Shared by the worker and the web server (Redis, or files on one machine): the job's work
    runs in one transaction, which no other process sees before it commits, so its progress
    cannot be read from the job's row until the end."""
    return caches["progress"]


def progress_of(job):
    """(done, total): the cache holds the newest while the job writes inside its transaction."""
    if not job.finished:
        cached = progress_cache().get(progress_key(job.pk))
        if cached:
            return tuple(cached)
    return job.done, job.total


@dataclass
class Context:
    job: Job
    token: str
    outcome: dict = field(default_factory=dict)
    finished: bool = False

    def progress(self, done, total=None):
        total = self.job.total if total is None else total
        self.job.done, self.job.total = done, total
        progress_cache().set(progress_key(self.job.pk), (done, total), 3600)
        if not connection.in_atomic_block:  # SQLite allows no second writer inside the work's transaction
            Job.objects.filter(pk=self.job.pk, token=self.token).update(
                done=done, total=total, heartbeat_at=timezone.now()
            )

    @contextmanager
    def finishing(self):
        """The job's writes and its outcome, in one transaction, or nothing."""
        with transaction.atomic():
            yield self
            locked = Job.objects.select_for_update().get(pk=self.job.pk)
            if locked.token != self.token or locked.finished:
                raise Superseded
            self._save(locked)
        self.finished = True

    def _save(self, job):
        summary = self.outcome.get("summary", {})
        errors = self.outcome.get("errors", [])
        job.summary, job.errors = summary, errors
        job.result = self.outcome.get("result", {})
        job.status = JobStatus.FAILED if errors or self.outcome.get("failed") else JobStatus.DONE
        job.done = job.total = max(job.total, self.job.total, self.job.done)
        job.finished_at = timezone.now()
        result = self.outcome.get("file")
        if result:
            name, content = result
            job.result_file.save(name, ContentFile(content), save=False)
        job.save()
        if job.status == JobStatus.DONE and KINDS[job.kind].writes:
            pagecache.bump_all()  # a job writes in bulk, without the signals that bump the cache


def _claim(pk):
    token = uuid.uuid4().hex
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=pk).first()
        if job is None or job.finished:
            return None, None
        job.status, job.token, job.worker = JobStatus.RUNNING, token, worker_name()
        job.attempts += 1
        job.started_at = job.started_at or timezone.now()
        job.heartbeat_at = timezone.now()
        job.save()
    return job, token


@task()
def run_job(job_pk):
    job, token = _claim(job_pk)
    if job is None:
        return "nothing to do"
    ctx = Context(job, token)
    try:
        KINDS[job.kind].handler(job, ctx)
        if not ctx.finished:
            with ctx.finishing():
                pass
    except Superseded:
        return "superseded"
    except Exception as error:  # the job fails with a message; the traceback goes to the log
        Job.objects.filter(pk=job.pk, token=token).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            summary={"error": _("The job stopped with an error: %(error)s") % {"error": type(error).__name__}},
        )
        raise
    return "finished"


def _alive(worker):
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None  # another machine: only the heartbeat tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_stale_jobs(now=None):
    """Queue again every running job whose worker is gone. Returns their pks."""
    now = now or timezone.now()
    stale_after = timedelta(seconds=getattr(settings, "JOBS_STALE_AFTER", 900))
    again = []
    for job in Job.objects.filter(status=JobStatus.RUNNING).only("pk", "worker", "heartbeat_at"):
        alive = _alive(job.worker) if job.worker != worker_name() else True
        stale = job.heartbeat_at is None or job.heartbeat_at < now - stale_after
        if alive is False or (alive is None and stale):
            if Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, worker=job.worker).update(
                status=JobStatus.QUEUED, token="", worker=""
            ):
                run_job.enqueue(job.pk)
                again.append(job.pk)
    return again


@scheduled("purge_jobs", every=timedelta(hours=1))
def purge_jobs(now=None):
    """Delete finished jobs older than KEEP_DAYS days, with their files."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    old = list(Job.objects.filter(finished_at__lt=cutoff))
    for job in old:
        for stored in (job.input_file, job.result_file):
            if stored:
                stored.delete(save=False)
        job.delete()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(finished_at__lt=cutoff).delete()
    return len(old)
