"""Background jobs (issue 10): long work run by a worker, with who started it, its unit (scope),
progress and outcome. The queue itself is django-tasks' database backend; this record is ours."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoped import ScopedQuerySet


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    scope_via = "unit"

    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey("grids.Unit", on_delete=models.CASCADE, related_name="jobs", verbose_name=_("unit"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("started by")
    )
    params = models.JSONField(default=dict, blank=True)
    input_file = models.FileField(upload_to="jobs/input/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # The attempt that may finish the job: a restarted job gets a new one, so a stale worker's
    # late commit is refused and the work is written exactly once.
    token = models.CharField(max_length=32, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    result_file = models.FileField(upload_to="jobs/result/", blank=True)
    result = models.JSONField(default=dict, blank=True)  # what the job's own page shows (coverage)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat")]

    def __str__(self):
        return self.title

    @property
    def finished(self):
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self):
        if self.finished:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
